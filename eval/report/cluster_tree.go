package report

import (
	"fmt"
	"io"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// TreeConfig chooses how Cluster builds the dendrogram it cuts.
type TreeConfig struct {
	// Path: eval.PathAuto (default) takes the exact path while its float32
	// distance matrix fits ExactBudget and the two-stage path beyond,
	// saying so on Log; eval.PathExact and eval.PathTwoStage force one.
	Path        eval.ClusterPath
	ExactBudget int64 // bytes (0: eval.DefaultExactBudget, 1 GiB)
	// Centroids is the two-stage path's k-means cluster count (0:
	// eval.DefaultCentroids, or 4 x Speakers when that is more).
	Centroids int
	Seed      uint64    // two-stage k-means seed
	Log       io.Writer // the automatic switch's message (nil: none)
}

// tree builds the linkage of sp's rows on the configured path and records
// the path (and centroid count) in r. The exact path is Linkage32 on
// Pdist32 (float32, in place), or Linkage on the back-end's float64
// distances; the two-stage path takes the raw rows only (no back-end),
// cut by --speakers, --threshold (centroid distances) or --oracle.
func tree(cfg ClusterConfig, r *ClusterResult, sp *space) ([]eval.Merge, error) {
	n := r.Utterances
	path := cfg.Tree.Path.Resolve(n, cfg.Tree.ExactBudget)
	r.Path = path.String()
	if path == eval.PathExact {
		if sp.be != nil {
			return eval.Linkage(sp.pdist(), n, cfg.Method), nil
		}
		return eval.Linkage32(eval.Pdist32(sp.x, sp.dim, sp.m), n, cfg.Method), nil
	}
	k := cfg.Tree.Centroids
	if k <= 0 {
		k = max(eval.DefaultCentroids, 4*cfg.Speakers)
	}
	k = min(k, n)
	if err := twoStageUsable(cfg, sp, k); err != nil {
		return nil, err
	}
	if cfg.Tree.Path == eval.PathAuto && cfg.Tree.Log != nil {
		budget := cfg.Tree.ExactBudget
		if budget <= 0 {
			budget = eval.DefaultExactBudget
		}
		fmt.Fprintf(cfg.Tree.Log, "cluster: %d utterances: the exact distance matrix would take %.1f GiB, over the %.1f GiB budget (--exact-memory); "+
			"clustering in two stages: mini-batch k-means to %d centroids, then %s linkage of the centroids (--path exact forces the exact path)\n",
			n, gib(eval.ExactBytes(n)), gib(budget), k, cfg.Method)
	}
	z, info, err := eval.TwoStage(sp.x, sp.dim, eval.TwoStageOptions{Metric: sp.m, Method: cfg.Method, Centroids: k, KMeans: eval.MiniBatchOptions{Seed: cfg.Tree.Seed}})
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", cfg.Embeddings, err)
	}
	r.Centroids = info.Centroids
	if cfg.Speakers > info.Centroids {
		return nil, errs.Usage("cluster: --speakers %d is more than the %d two-stage centroids; raise --centroids", cfg.Speakers, info.Centroids)
	}
	return z, nil
}

// twoStageUsable reports what the two-stage path cannot do.
func twoStageUsable(cfg ClusterConfig, sp *space, k int) error {
	switch {
	case sp.be != nil:
		return errs.Usage("cluster: the two-stage path clusters the raw embeddings; --backend %s needs --path exact", sp.be.Kind)
	case sp.m != eval.Cosine && sp.m != eval.Euclidean:
		return errs.Usage("cluster: the two-stage path takes --distance cosine or euclidean, not %s; use --path exact", sp.m)
	case cfg.Dev != "":
		return errs.Usage("cluster: --dev tunes an utterance-level threshold, which does not carry over to the two-stage path's centroid distances; use --speakers, --threshold or --oracle, or --path exact")
	case cfg.Speakers > k:
		return errs.Usage("cluster: --speakers %d is more than the %d two-stage centroids; raise --centroids", cfg.Speakers, k)
	}
	return nil
}

func gib(b int64) float64 { return float64(b) / (1 << 30) }
