package eval

import (
	"math"
	"sort"
)

// BestThreshold returns the score threshold that maximises pair accuracy
// when a pair is called "same" iff score > thr (scores are similarities),
// and that accuracy. Candidates are the midpoints between consecutive
// distinct scores and one value below the lowest and at the highest score;
// the lowest threshold wins ties.
func BestThreshold(scores []float64, same []bool) (thr, acc float64) {
	if len(scores) != len(same) {
		panic("eval: BestThreshold: length mismatch")
	}
	if len(scores) == 0 {
		return 0, 0
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	// Threshold below everything: all called same.
	correct := 0
	for _, s := range same {
		if s {
			correct++
		}
	}
	lo := scores[idx[0]]
	bestC, thr := correct, lo-math.Max(1, math.Abs(lo))*1e-9
	for k, i := range idx {
		// Raise the threshold past scores[i]: pair i is now called different.
		if same[i] {
			correct--
		} else {
			correct++
		}
		if k+1 < len(idx) && scores[idx[k+1]] == scores[i] {
			continue
		}
		cand := scores[i]
		if k+1 < len(idx) {
			cand = (scores[i] + scores[idx[k+1]]) / 2
		}
		if correct > bestC {
			bestC, thr = correct, cand
		}
	}
	return thr, float64(bestC) / float64(len(scores))
}

// BestDistanceThreshold is BestThreshold for distances: a pair is called
// "same" iff dist < thr.
func BestDistanceThreshold(dist []float64, same []bool) (thr, acc float64) {
	neg := make([]float64, len(dist))
	for i, d := range dist {
		neg[i] = -d
	}
	t, a := BestThreshold(neg, same)
	return -t, a
}

// Decision holds the confusion counts and rates of calling pairs "same" at
// a threshold.
type Decision struct {
	Threshold float64 `json:"threshold"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	TN        int     `json:"tn"`
	FN        int     `json:"fn"`
	Accuracy  float64 `json:"accuracy"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Decide evaluates the decision "same iff score > thr" on scores.
func Decide(scores []float64, same []bool, thr float64) Decision {
	d := Decision{Threshold: thr}
	for i, s := range scores {
		switch call := s > thr; {
		case call && same[i]:
			d.TP++
		case call:
			d.FP++
		case same[i]:
			d.FN++
		default:
			d.TN++
		}
	}
	d.Accuracy = ratio(d.TP+d.TN, len(scores))
	d.Precision = ratio(d.TP, d.TP+d.FP)
	d.Recall = ratio(d.TP, d.TP+d.FN)
	if d.Precision+d.Recall > 0 {
		d.F1 = 2 * d.Precision * d.Recall / (d.Precision + d.Recall)
	}
	return d
}

// PairScores returns a similarity score for every pair i < j of the rows of
// x (row-major [n, dim]) in condensed (Pdist) order, and whether the two
// rows share a label: cosine similarity 1-d for Cosine, -d for the others.
func PairScores(x []float32, dim int, labels []int, m Metric) (scores []float64, same []bool) {
	n := len(labels)
	if dim <= 0 || len(x) != n*dim {
		panic("eval: PairScores: data does not match labels")
	}
	scores = Pdist(x, dim, m)
	same = make([]bool, 0, len(scores))
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			same = append(same, labels[i] == labels[j])
		}
	}
	for k, d := range scores {
		scores[k] = DistanceToScore(m, d)
	}
	return scores, same
}

// DistanceToScore turns an m-distance into a similarity score.
func DistanceToScore(m Metric, d float64) float64 {
	if m == Cosine {
		return 1 - d
	}
	return -d
}
