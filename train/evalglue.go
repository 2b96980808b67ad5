package train

import (
	"math"

	"github.com/voxsiam/voxsiam/eval"
)

// pairMetrics scores every pair i<j of the n rows of x: [n, dim] with metric
// m against same-speaker flags: pair accuracy at the best distance threshold
// (eval.BestDistanceThreshold, tuned on these validation pairs), that
// threshold, and the EER of the negated distances (eval.EER). NaN when one
// class of pairs is missing.
func pairMetrics(x []float32, dim int, labels []int32, m eval.Metric) (acc, thr, eer float64) {
	d := eval.Pdist(x, dim, m) // condensed order: (0,1), (0,2), ..., (1,2), ...
	n := len(labels)
	same := make([]bool, 0, len(d))
	nt := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s := labels[i] == labels[j]
			same = append(same, s)
			if s {
				nt++
			}
		}
	}
	if nt == 0 || nt == len(same) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	thr, acc = eval.BestDistanceThreshold(d, same)
	neg := make([]float64, len(d))
	for i, v := range d {
		neg[i] = -v
	}
	eer, _ = eval.EER(neg, same)
	return acc, thr, eer
}

// clusterMR clusters the n rows of x: [n, dim] (complete linkage, cosine
// distance; eval.Linkage), cuts the tree at k clusters (eval.CutMaxClust)
// and returns the misclassification rate against truth: exact (eval.MR)
// and the ZHAW code's greedy value (eval.MRZHAW, scipy fcluster numbering
// as in that code).
func clusterMR(x []float32, dim int, truth []int, k int) (mr, mrZHAW float64) {
	n := len(truth)
	if n < 2 {
		return math.NaN(), math.NaN()
	}
	z := eval.Linkage(eval.Pdist(x, dim, eval.Cosine), n, eval.Complete)
	pred := eval.CutMaxClust(z, k)
	return eval.MR(truth, pred), eval.MRZHAW(truth, pred)
}
