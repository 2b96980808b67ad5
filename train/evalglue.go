package train

import (
	"math"
	"sort"
)

// pairEER is the equal error rate of distances d (smaller = same speaker)
// against same-speaker flags.
func pairEER(d []float64, same []bool) float64 {
	idx := sortedByDistance(d)
	nt, nn := countSame(same)
	if nt == 0 || nn == 0 {
		return math.NaN()
	}
	// threshold after k pairs accepted: FRR = targets not yet accepted / nt,
	// FAR = non-targets accepted / nn; EER where they cross.
	acceptedT, acceptedN := 0, 0
	best, eer := math.Inf(1), 0.0
	for k := 0; k <= len(idx); k++ {
		frr := float64(nt-acceptedT) / float64(nt)
		far := float64(acceptedN) / float64(nn)
		if g := math.Abs(frr - far); g < best {
			best, eer = g, (frr+far)/2
		}
		if k < len(idx) {
			if same[idx[k]] {
				acceptedT++
			} else {
				acceptedN++
			}
		}
	}
	return eer
}

// pairAccuracy is the best accuracy of "same iff d <= threshold" over all
// thresholds, and that threshold (midpoint between neighbouring distances).
func pairAccuracy(d []float64, same []bool) (acc, threshold float64) {
	idx := sortedByDistance(d)
	nt, nn := countSame(same)
	if len(d) == 0 {
		return math.NaN(), math.NaN()
	}
	correct := nn // threshold below every distance: all called different
	bestC, threshold := correct, d[idx[0]]-1e-12
	for k, i := range idx {
		if same[i] {
			correct++
		} else {
			correct--
		}
		if k+1 < len(idx) && d[idx[k+1]] == d[i] {
			continue // ties share the threshold
		}
		if correct > bestC {
			bestC = correct
			threshold = d[i]
			if k+1 < len(idx) {
				threshold = (d[i] + d[idx[k+1]]) / 2
			}
		}
	}
	return float64(bestC) / float64(nt+nn), threshold
}

func sortedByDistance(d []float64) []int {
	idx := make([]int, len(d))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
	return idx
}

func countSame(same []bool) (nt, nn int) {
	for _, s := range same {
		if s {
			nt++
		} else {
			nn++
		}
	}
	return nt, nn
}

// clusterMR clusters x (complete linkage, cosine distance) into k clusters
// and returns the misclassification rate of the clusters against labels:
// per speaker, the utterances outside the cluster holding most of them,
// summed and divided by N (ZHAW's MR; their golden case is 1/3).
func clusterMR(x [][]float64, labels []int, k int) (float64, error) {
	pred := completeLinkage(x, k)
	return misclassificationRate(labels, pred), nil
}

// completeLinkage merges clusters by smallest maximum cosine distance until k
// remain and returns each point's cluster id. O(n^3), for validation sets.
func completeLinkage(x [][]float64, k int) []int {
	n := len(x)
	d := make([][]float64, n)
	for i := range d {
		d[i] = make([]float64, n)
		for j := range d[i] {
			d[i][j] = cosine64(x[i], x[j])
		}
	}
	cl := make([]int, n)
	alive := make([]bool, n)
	for i := range cl {
		cl[i], alive[i] = i, true
	}
	for left := n; left > k; left-- {
		bi, bj, bd := -1, -1, math.Inf(1)
		for i := 0; i < n; i++ {
			for j := i + 1; alive[i] && j < n; j++ {
				if alive[j] && d[i][j] < bd {
					bi, bj, bd = i, j, d[i][j]
				}
			}
		}
		alive[bj] = false
		for m := 0; m < n; m++ {
			d[bi][m] = math.Max(d[bi][m], d[bj][m])
			d[m][bi] = d[bi][m]
			if cl[m] == bj {
				cl[m] = bi
			}
		}
	}
	return cl
}

func cosine64(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab, aa, bb = ab+a[i]*b[i], aa+a[i]*a[i], bb+b[i]*b[i]
	}
	if aa == 0 || bb == 0 {
		return 1
	}
	return 1 - ab/math.Sqrt(aa*bb)
}

func misclassificationRate(truth, pred []int) float64 {
	count := map[[2]int]int{}
	size := map[int]int{}
	for i := range truth {
		count[[2]int{truth[i], pred[i]}]++
		size[truth[i]]++
	}
	most := map[int]int{}
	for key, c := range count {
		most[key[0]] = max(most[key[0]], c)
	}
	wrong := 0
	for s, n := range size {
		wrong += n - most[s]
	}
	return float64(wrong) / float64(len(truth))
}
