package report

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// ClusterConfig selects the data, the algorithm and exactly one cut.
type ClusterConfig struct {
	Embeddings string
	Labels     string // optional utt2spk: metrics, and required by Oracle
	Method     eval.Method
	Metric     eval.Metric
	// Backend gives the distances (default none: Metric on the raw
	// embeddings); with plda the distance is log(1 + e^-LLR). Spectral
	// clustering takes the norm back-end but not plda.
	Backend BackendConfig
	// Cuts (exactly one): Speakers > 0 (scipy maxclust), HasThreshold
	// (distance threshold), Dev != "" (threshold tuned on a dev set),
	// Oracle (best MR level; needs speakers), Spectral (spectral clustering
	// with Speakers clusters, or estimated by the normalised maximum
	// eigengap when Speakers is 0).
	Speakers     int
	Threshold    float64
	HasThreshold bool
	Dev          string
	Oracle       bool
	Spectral     bool
	// Tree chooses the exact or the two-stage dendrogram (not Spectral).
	Tree TreeConfig
}

// ClusterResult is a flat clustering of an embeddings directory.
type ClusterResult struct {
	Cut        string     `json:"cut"` // speakers, threshold, dev_threshold, oracle, spectral
	Threshold  float64    `json:"threshold,omitempty"`
	Clusters   int        `json:"clusters"`
	Utterances int        `json:"utterances"`
	Method     string     `json:"method"`
	Metric     string     `json:"distance"`
	Backend    string     `json:"backend,omitempty"`   // norm or plda when a trained back-end gave the distances
	Path       string     `json:"path,omitempty"`      // exact or two-stage (dendrogram cuts)
	Centroids  int        `json:"centroids,omitempty"` // non-empty two-stage k-means clusters
	Metrics    *CutReport `json:"metrics,omitempty"`   // when speakers are known
	// Assignments (utt -> cluster name) is filled by callers that print
	// the result as one JSON document.
	Assignments map[string]string `json:"assignments,omitempty"`
	IDs         []string          `json:"-"`
	Labels      []int             `json:"-"` // 1-based cluster of each utterance
}

// CheckCut reports, as a usage error (errs.ErrUsage), a configuration
// that does not select exactly one cut (Speakers without Spectral,
// HasThreshold, Dev, Oracle, Spectral with optional Speakers) or that has
// negative Speakers.
func (cfg ClusterConfig) CheckCut() error {
	n := 0
	for _, set := range []bool{cfg.Speakers > 0 && !cfg.Spectral, cfg.HasThreshold, cfg.Dev != "", cfg.Oracle, cfg.Spectral} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errs.Usage("cluster: choose exactly one of --speakers, --threshold, --dev, --oracle, --spectral (with optional --speakers)")
	}
	if cfg.Speakers < 0 {
		return errs.Usage("cluster: --speakers must be positive")
	}
	return nil
}

// Cluster runs cfg and scores the result against known speakers. A
// configuration without exactly one cut is a usage error (CheckCut).
func Cluster(cfg ClusterConfig) (*ClusterResult, error) {
	if err := cfg.CheckCut(); err != nil {
		return nil, err
	}
	set, err := LoadSet(cfg.Embeddings, cfg.Labels)
	if err != nil {
		return nil, err
	}
	x, dim, err := Vectors(set, cfg.Metric, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	if set.Len() < 2 {
		return nil, errs.BadData("report: %s: clustering needs two utterances, found %d", cfg.Embeddings, set.Len())
	}
	truth, _, known := Speakers(set)
	if cfg.Oracle && !known {
		return nil, fmt.Errorf("report: the oracle cut needs the speaker of every utterance (utt2spk)")
	}
	if cfg.Spectral && cfg.Backend.Kind == eval.BackendPLDA {
		return nil, fmt.Errorf("report: spectral clustering takes cosine affinities; use the norm back-end or a dendrogram cut with plda")
	}
	be, err := LoadBackend(cfg.Backend, nil)
	if err != nil {
		return nil, err
	}
	sp, err := newSpace(x, dim, cfg.Metric, be, nil, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	r := &ClusterResult{Utterances: set.Len(), Method: cfg.Method.String(), Metric: cfg.Metric.String(), IDs: set.IDs}
	if be != nil {
		r.Backend, r.Metric = string(be.Kind), sp.name()
	}
	if cfg.Spectral {
		r.Method = "spectral"
		r.Cut = "spectral"
		r.Labels, err = spectral(sp, cfg.Speakers)
		if err != nil {
			return nil, err
		}
	} else if err := cutTree(cfg, r, sp, be, truth); err != nil {
		return nil, err
	}
	r.Labels = renumber(r.Labels)
	r.Clusters = countDistinct(r.Labels)
	if known {
		m := cutReport(r.Cut, r.Threshold, r.Labels, truth)
		r.Metrics = &m
	}
	return r, nil
}

// spectral runs NME-SC on the raw rows, or on the unit vectors of the norm
// back-end with the cosine metric.
func spectral(sp *space, k int) ([]int, error) {
	if sp.be == nil {
		return eval.Spectral(sp.x, sp.dim, sp.m, eval.SpectralOptions{Clusters: k})
	}
	y := make([]float32, len(sp.y))
	for i, v := range sp.y {
		y[i] = float32(v)
	}
	return eval.Spectral(y, sp.be.OutDim(), eval.Cosine, eval.SpectralOptions{Clusters: k})
}

func cutTree(cfg ClusterConfig, r *ClusterResult, sp *space, be *eval.Backend, truth []int) error {
	z, err := tree(cfg, r, sp)
	if err != nil {
		return err
	}
	switch {
	case cfg.Oracle:
		l, _, m := eval.OracleCut(z, truth)
		r.Cut, r.Labels, r.Threshold = "oracle", l, eval.LevelThreshold(z, m)
	case cfg.Dev != "":
		thr, _, err := devCutThreshold(cfg.Dev, cfg.Method, cfg.Metric, be)
		if err != nil {
			return err
		}
		r.Cut, r.Threshold, r.Labels = "dev_threshold", thr, eval.CutDistance(z, thr)
	case cfg.HasThreshold:
		r.Cut, r.Threshold, r.Labels = "threshold", cfg.Threshold, eval.CutDistance(z, cfg.Threshold)
	case cfg.Speakers > 0:
		r.Labels = eval.CutMaxClust(z, cfg.Speakers)
		r.Cut, r.Threshold = "speakers", eval.LevelThreshold(z, r.Utterances-countDistinct(r.Labels))
	default:
		return errs.Usage("report: cluster: no cut selected") // Cluster checks cfg first (CheckCut)
	}
	if math.IsInf(r.Threshold, 0) {
		r.Threshold = 0
	}
	return nil
}

// renumber maps labels to 1..K in order of first appearance.
func renumber(l []int) []int {
	ids := map[int]int{}
	out := make([]int, len(l))
	for i, v := range l {
		if _, ok := ids[v]; !ok {
			ids[v] = len(ids) + 1
		}
		out[i] = ids[v]
	}
	return out
}

// ClusterName is the speaker label written for cluster k.
func ClusterName(k int) string { return fmt.Sprintf("cluster%03d", k) }

// WriteLabels writes "utt cluster" lines (utt2spk layout).
func (r *ClusterResult) WriteLabels(w io.Writer) error {
	for i, id := range r.IDs {
		if _, err := fmt.Fprintf(w, "%s %s\n", id, ClusterName(r.Labels[i])); err != nil {
			return err
		}
	}
	return nil
}

// Turns returns RTTM turns for the utterances found in segments (Kaldi
// segments: utt -> recording, start, end), sorted by file and start; every
// utterance must have a segment.
func (r *ClusterResult) Turns(segments map[string]eval.Segment, name string) ([]eval.Segment, error) {
	out := make([]eval.Segment, 0, len(r.IDs))
	for i, id := range r.IDs {
		s, ok := segments[id]
		if !ok {
			return nil, errs.BadData("report: %s has no segment for utterance %q", name, id)
		}
		s.Speaker = ClusterName(r.Labels[i])
		out = append(out, s)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].File != out[b].File {
			return out[a].File < out[b].File
		}
		return out[a].Start < out[b].Start
	})
	return out, nil
}
