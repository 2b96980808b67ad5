package diarize

import (
	"github.com/voxsiam/voxsiam/eval"
)

// ClusterOptions choose how many speakers Cluster finds.
type ClusterOptions struct {
	// Speakers, when > 0, is the number of speakers (the tree is cut into
	// that many clusters).
	Speakers int
	// MinSpeakers and MaxSpeakers bound an estimated count (defaults 1 and
	// the number of windows).
	MinSpeakers, MaxSpeakers int
	// Threshold is the cosine-similarity threshold of "same speaker"
	// (a verification threshold tuned on dev speakers): clusters whose
	// average-linkage distance is below 1 - Threshold merge.
	Threshold float64
}

// Cluster labels the window embeddings (row-major [n, dim]) by speaker,
// labels 1..k: average-linkage agglomerative clustering on cosine
// distance, cut at opts.Speakers clusters, else at the distance 1 -
// Threshold with the count clamped to [MinSpeakers, MaxSpeakers].
func Cluster(emb []float32, dim int, opts ClusterOptions) []int {
	n := len(emb) / dim
	switch n {
	case 0:
		return nil
	case 1:
		return []int{1}
	}
	z := eval.Linkage(eval.Pdist(emb, dim, eval.Cosine), n, eval.Average)
	if opts.Speakers > 0 {
		return eval.CutMaxClust(z, min(opts.Speakers, n))
	}
	labels := eval.CutDistance(z, 1-opts.Threshold)
	lo, hi := max(1, opts.MinSpeakers), n
	if opts.MaxSpeakers > 0 {
		hi = min(hi, opts.MaxSpeakers)
	}
	k := 0
	for _, l := range labels {
		k = max(k, l)
	}
	switch {
	case k > hi:
		return eval.CutMaxClust(z, hi)
	case k < lo:
		return eval.CutMaxClust(z, min(lo, n))
	}
	return labels
}
