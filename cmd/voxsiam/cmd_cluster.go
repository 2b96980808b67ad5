package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/report"
)

// clusterOptions are the flags of `voxsiam cluster`.
type clusterOptions struct {
	report.ClusterConfig
	backendOptions
	Method, Distance string
	Path             string  // auto, exact or two-stage
	ExactMemoryGiB   float64 // auto: the exact path's distance-matrix budget in GiB
	Out              string  // clusters file ("-": standard output)
	RTTM             string  // optional RTTM output (needs <embeddings>/segments)
	JSON             bool
}

const clusterCategory = "evaluation"

// The flags cluster, score and eval share.
func embeddingsFlag() cli.Flag {
	return &cli.StringFlag{Name: "embeddings", Required: true, Usage: "embeddings directory (embeddings.npy + utt.list, or embeddings.scp/.ark)", Category: clusterCategory}
}

func distanceFlag() cli.Flag {
	return &cli.StringFlag{Name: "distance", Aliases: []string{"metric"}, Value: "cosine", Usage: "cosine, euclidean or kl (symmetric KL on distributions.npy)", Category: clusterCategory}
}

func methodFlag() cli.Flag {
	return &cli.StringFlag{Name: "method", Value: "complete", Usage: "linkage: single, complete, average, weighted or ward", Category: clusterCategory}
}

// backendOptions are the back-end flags cluster, score and eval share.
type backendOptions struct {
	Backend, BackendTrain, BackendModel string
	LDADim                              int
}

const backendHelp = `Back-ends (--backend): cosine (default) scores the raw embeddings by --distance; norm
subtracts the mean of the --backend-train embeddings and normalises lengths (WeSpeaker),
then scores by cosine similarity; plda is Kaldi's x-vector back-end: mean subtraction, LDA
to --lda-dim dimensions, length normalisation, two-covariance PLDA, scored by the PLDA
log-likelihood ratio of a single-enrolment trial. --backend-train DIR (embeddings with
utt2spk) trains it, and --backend-model FILE saves it there; --backend-model alone reuses a
saved one. For clustering, plda turns each LLR into the distance log(1 + e^-LLR) (the
negative log posterior of "same speaker" at equal priors: positive, smaller for higher
LLRs, the same scale on every set, so a threshold tuned on --dev applies).
`

func backendFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "backend", Value: "cosine", Usage: "scoring back-end: cosine (none), norm (mean subtraction + length norm) or plda (LDA + PLDA)", Category: clusterCategory},
		&cli.StringFlag{Name: "backend-train", Usage: "embeddings directory with utt2spk to train the back-end on", Category: clusterCategory},
		&cli.StringFlag{Name: "backend-model", Usage: "back-end file: written after --backend-train, read without it", Category: clusterCategory},
		&cli.IntFlag{Name: "lda-dim", Usage: "plda: LDA dimension (0: min(dim, training speakers - 1); -1: no LDA)", Category: clusterCategory},
	}
}

func readBackendFlags(c *cli.Context) backendOptions {
	return backendOptions{Backend: c.String("backend"), BackendTrain: c.String("backend-train"),
		BackendModel: c.String("backend-model"), LDADim: c.Int("lda-dim")}
}

// config checks the back-end flags against each other and the distance.
func (o backendOptions) config(distance string) (report.BackendConfig, error) {
	kind, err := eval.ParseBackend(o.Backend)
	if err != nil {
		return report.BackendConfig{}, usagef("--backend: %v", err)
	}
	cfg := report.BackendConfig{Kind: kind, Train: o.BackendTrain, Model: o.BackendModel, LDADim: o.LDADim}
	switch {
	case !cfg.Trained() && (cfg.Train != "" || cfg.Model != ""):
		return cfg, usagef("--backend-train and --backend-model need --backend norm or plda")
	case cfg.Trained() && cfg.Train == "" && cfg.Model == "":
		return cfg, usagef("--backend %s needs --backend-train DIR or --backend-model FILE", kind)
	case cfg.Trained() && distance != "cosine":
		return cfg, usagef("--distance applies to --backend cosine; the %s back-end has its own scoring", kind)
	case o.LDADim < -1:
		return cfg, usagef("--lda-dim must be >= -1")
	}
	return cfg, nil
}

// asnormFlags are the AS-norm flags score and eval share.
func asnormFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "asnorm-cohort", Usage: "embeddings directory of the AS-norm cohort (e.g. the --backend-train set)", Category: clusterCategory},
		&cli.IntFlag{Name: "topk", Value: 300, Usage: "AS-norm: cohort scores kept per side (0, or more than the cohort holds: all)", Category: clusterCategory},
	}
}

func readASNormFlags(c *cli.Context) report.ASNormConfig {
	return report.ASNormConfig{Cohort: c.String("asnorm-cohort"), TopK: c.Int("topk")}
}

// checkASNorm checks the AS-norm flags; the cohort itself is checked where
// it is read (report).
func checkASNorm(c report.ASNormConfig) error {
	if c.TopK < 0 {
		return usagef("--topk must be >= 0 (0: the whole AS-norm cohort)")
	}
	return nil
}

func jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: clusterCategory}
}

func newClusterCommand() *cli.Command {
	return &cli.Command{
		Name:     "cluster",
		Usage:    "cluster utterances by speaker (agglomerative or spectral)",
		Category: clusterCategory,
		Description: `Clusters the utterances of an embeddings directory and writes "utt clusterNNN" lines
(utt2spk layout). Choose exactly one cut: --speakers K (at most K clusters, scipy maxclust),
--threshold T (distance threshold), --dev DIR (threshold tuned for the best MR on a
development set), --oracle (the level with the best MR against the true speakers; labelled
"oracle"), or --spectral (NME-SC spectral clustering, with --speakers or estimating the
number of speakers). With speakers known (utt2spk or --labels) MR, ACP, ARI, NMI, purity and
coverage are reported; MR is exact (optimal one-to-one speaker-cluster mapping), the ZHAW
value beside it (JSON mr_zhaw) is the greedy approximation of the ZHAW reference code, which
depends on the cluster numbering (taken as written: cluster001... in order of first appearance).
--rttm writes RTTM turns from <embeddings>/segments (Kaldi segments).

Large sets (--path): the exact path keeps the whole condensed float32 distance matrix,
2n(n-1) bytes (1 GiB at 23,170 utterances) and O(n²) time. Past --exact-memory GiB (default
1) cluster says so on stderr and clusters in two stages: mini-batch k-means to --centroids
groups (default 2000, or 4 x --speakers), then --method linkage of the size-weighted centroids.
There a cut cannot give more clusters than centroids, --threshold applies to centroid
distances, and --dev, the norm and plda back-ends and the kl distance are not
available. --path exact or two-stage forces a path.

` + backendHelp + `Spectral clustering takes the norm back-end, not plda.
` + exitStatusHelp,
		Flags: append([]cli.Flag{
			embeddingsFlag(), methodFlag(), distanceFlag(), jsonFlag(),
			&cli.StringFlag{Name: "labels", Usage: "utt2spk with the true speakers (default: <embeddings>/utt2spk)", Category: clusterCategory},
			&cli.IntFlag{Name: "speakers", Usage: "number of clusters", Category: clusterCategory},
			&cli.Float64Flag{Name: "threshold", Usage: "cut the tree at this distance", Category: clusterCategory},
			&cli.StringFlag{Name: "dev", Usage: "development embeddings directory to tune the threshold on", Category: clusterCategory},
			&cli.BoolFlag{Name: "oracle", Usage: "cut at the level with the best MR (needs true speakers)", Category: clusterCategory},
			&cli.BoolFlag{Name: "spectral", Usage: "spectral clustering (NME-SC) instead of a dendrogram", Category: clusterCategory},
			&cli.StringFlag{Name: "path", Value: "auto", Usage: "dendrogram: auto, exact (full distance matrix) or two-stage (k-means, then linkage of centroids)", Category: clusterCategory},
			&cli.Float64Flag{Name: "exact-memory", Value: float64(eval.DefaultExactBudget) / (1 << 30), Usage: "auto: largest exact distance matrix in GiB (> 0)", Category: clusterCategory},
			&cli.IntFlag{Name: "centroids", Usage: "two-stage: k-means clusters (0: 2000, or 4 x --speakers)", Category: clusterCategory},
			&cli.StringFlag{Name: "out", Value: "-", Usage: "clusters file (- for standard output)", Category: clusterCategory},
			&cli.StringFlag{Name: "rttm", Usage: "also write RTTM turns to this file", Category: clusterCategory},
		}, backendFlags()...),
		Action: func(c *cli.Context) error {
			opts := clusterOptions{
				ClusterConfig: report.ClusterConfig{
					Embeddings: c.String("embeddings"), Labels: c.String("labels"),
					Speakers: c.Int("speakers"), Threshold: c.Float64("threshold"), HasThreshold: c.IsSet("threshold"),
					Dev: c.String("dev"), Oracle: c.Bool("oracle"), Spectral: c.Bool("spectral"),
					Tree: report.TreeConfig{Centroids: c.Int("centroids"), Log: c.App.ErrWriter},
				},
				Path: c.String("path"), ExactMemoryGiB: c.Float64("exact-memory"),
				backendOptions: readBackendFlags(c),
				Method:         c.String("method"), Distance: c.String("distance"),
				Out: c.String("out"), RTTM: c.String("rttm"), JSON: c.Bool("json"),
			}
			return runCluster(c.Context, opts, c.App.Writer)
		},
	}
}

// parseAlgo fills in the linkage method and the distance.
func parseAlgo(method, distance string) (eval.Method, eval.Metric, error) {
	m, err := eval.ParseMethod(method)
	if err != nil {
		return 0, 0, usagef("--method: %v", err)
	}
	d, err := eval.ParseMetric(distance)
	if err != nil {
		return 0, 0, usagef("--distance: %v", err)
	}
	return m, d, nil
}

// runCluster clusters, writes the clusters (and RTTM) and prints a summary.
func runCluster(ctx context.Context, opts clusterOptions, w io.Writer) error {
	if err := opts.CheckCut(); err != nil {
		return err
	}
	var err error
	if opts.ClusterConfig.Method, opts.ClusterConfig.Metric, err = parseAlgo(opts.Method, opts.Distance); err != nil {
		return err
	}
	if opts.ClusterConfig.Backend, err = opts.backendOptions.config(opts.Distance); err != nil {
		return err
	}
	if opts.Tree.Path, err = eval.ParseClusterPath(opts.Path); err != nil {
		return usagef("--path: %v", err)
	}
	if opts.ExactMemoryGiB <= 0 || opts.Tree.Centroids < 0 {
		return usagef("--exact-memory must be > 0 and --centroids >= 0")
	}
	opts.Tree.ExactBudget = int64(opts.ExactMemoryGiB * (1 << 30))
	res, err := report.Cluster(opts.ClusterConfig)
	if err != nil {
		return err
	}
	if opts.JSON && opts.Out == "-" { // one document on stdout: the assignments go in the JSON
		res.Assignments = map[string]string{}
		for i, id := range res.IDs {
			res.Assignments[id] = report.ClusterName(res.Labels[i])
		}
	} else if err := writeOut(opts.Out, w, res.WriteLabels); err != nil {
		return err
	}
	if opts.RTTM != "" {
		if err := writeClusterRTTM(opts, res); err != nil {
			return err
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if opts.Out == "-" {
		return nil
	}
	fmt.Fprintf(w, "%d utterances -> %d clusters (%s cut, %s, %s distance", res.Utterances, res.Clusters, res.Cut, res.Method, res.Metric)
	if res.Path == eval.PathTwoStage.String() {
		fmt.Fprintf(w, ", two-stage: %d centroids", res.Centroids)
	}
	fmt.Fprintln(w, ")")
	if m := res.Metrics; m != nil {
		fmt.Fprintf(w, "MR %.2f%% (ZHAW %.2f%%)  ACP %.4f  ARI %.4f  NMI %.4f  purity %.4f  coverage %.4f\n", 100*m.MR, 100*m.MRZHAW, m.ACP, m.ARI, m.NMI, m.Purity, m.Coverage)
	}
	return nil
}

func writeClusterRTTM(opts clusterOptions, res *report.ClusterResult) error {
	segPath := filepath.Join(opts.Embeddings, "segments")
	segs, err := eval.ReadSegments(segPath)
	if err != nil {
		return fmt.Errorf("cluster: --rttm needs segment times: %w", err)
	}
	turns, err := res.Turns(segs, segPath)
	if err != nil {
		return err
	}
	return writeOut(opts.RTTM, nil, func(w io.Writer) error { return eval.WriteRTTM(w, turns) })
}

// writeOut writes through fn to path, or to stdout for "-".
func writeOut(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
