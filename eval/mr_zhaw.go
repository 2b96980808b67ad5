package eval

import (
	"math"
	"slices"
	"sort"
)

// MRZHAW is the misclassification rate as the ZHAW reference code computes
// it (stdm/ZHAW_deep_voice common/analysis/mr.py,
// misclassification_rate_BV01): a greedy speaker-to-cluster mapping instead
// of the optimal one. It is never below MR and, unlike MR, depends on how
// speakers and clusters are numbered: relabelling the clusters of one
// partition can change it. It is kept to compare with the published numbers;
// MR is the exact value.
//
// The mapping, in three passes over the true speakers ("sources") and the
// still unmapped clusters ("targets"), both visited in ascending label order
// (the iteration order of mr.py's Python sets of small non-negative ints):
//  1. each source takes a target holding more than half of the target's
//     elements from that source; among several, the comparisons of mr.py
//     pick one (the rule it states, with its quirk of comparing the kept
//     shared count against the target size), and a tie leaves the source
//     unmapped;
//  2. the unmapped sources are ordered by a size-weighted binary entropy
//     over the free targets, descending, then by label, descending;
//  3. in that order each takes the free target with the largest share of
//     its elements relative to the target size (ties: lowest label).
//
// MR is then the fraction of elements outside their source's target.
// truth and pred are label slices of equal length; MRZHAW of empty input is 0.
func MRZHAW(truth, pred []int) float64 {
	if len(truth) != len(pred) {
		panic("eval: MRZHAW: length mismatch")
	}
	if len(truth) == 0 {
		return 0
	}
	z := newZHAWMapping(NewContingency(truth, pred))
	z.majorityPass()
	z.greedyPass(z.entropyOrder())
	wrong := 0
	for i, j := range z.target {
		wrong += z.c.RowSums[i]
		if j >= 0 {
			wrong -= z.c.N[i][j]
		}
	}
	return float64(wrong) / float64(z.c.Total)
}

// zhawMapping is the state of mr.py's assignment: the contingency table,
// rows and columns in ascending label order, each row's target column (-1:
// none) and the free columns.
type zhawMapping struct {
	c          *Contingency
	rows, cols []int // row and column indices of c in ascending label order
	target     []int
	free       []bool
}

func newZHAWMapping(c *Contingency) *zhawMapping {
	z := &zhawMapping{c: c, rows: byLabel(c.Classes), cols: byLabel(c.Clusters),
		target: make([]int, len(c.Classes)), free: make([]bool, len(c.Clusters))}
	for i := range z.target {
		z.target[i] = -1
	}
	for j := range z.free {
		z.free[j] = true
	}
	return z
}

// byLabel returns the indices of labels in ascending label order.
func byLabel(labels []int) []int {
	idx := make([]int, len(labels))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return labels[idx[a]] < labels[idx[b]] })
	return idx
}

func (z *zhawMapping) assign(i, j int) {
	z.target[i] = j
	z.free[j] = false
}

// majorityPass is mr.py's step 1, comparisons as written there.
func (z *zhawMapping) majorityPass() {
	for _, i := range z.rows {
		var cands []int
		keptSize, keptShared := 0, -1 // keptShared -1: mr.py's None
		for _, j := range z.cols {
			te, se := z.c.ColSums[j], z.c.N[i][j]
			if !z.free[j] || 2*se <= te { // shared/target > 0.5
				continue
			}
			switch {
			case keptShared < 0 || keptShared < te:
				cands, keptSize, keptShared = []int{j}, te, se
			case keptShared == se && keptSize > te:
				cands, keptSize = []int{j}, te
			case keptShared == se && keptSize == te:
				cands = append(cands, j)
			}
		}
		if j, ok := z.uniqueMaxShared(i, cands); ok {
			z.assign(i, j)
		}
	}
}

// uniqueMaxShared returns the candidate with the most elements of row i
// when exactly one has that many.
func (z *zhawMapping) uniqueMaxShared(i int, cands []int) (int, bool) {
	best, n := -1, 0
	for _, j := range cands {
		switch {
		case best < 0 || z.c.N[i][j] > z.c.N[i][best]:
			best, n = j, 1
		case z.c.N[i][j] == z.c.N[i][best]:
			n++
		}
	}
	return best, n == 1
}

// entropyOrder is mr.py's step 2: the unmapped rows sorted by (entropy,
// label) descending.
func (z *zhawMapping) entropyOrder() []int {
	var rows []int
	h := map[int]float64{}
	for _, i := range z.rows {
		if z.target[i] < 0 {
			rows = append(rows, i)
			h[i] = z.entropy(i)
		}
	}
	slices.SortFunc(rows, func(a, b int) int {
		if h[a] != h[b] {
			if h[a] > h[b] {
				return -1
			}
			return 1
		}
		return z.c.Classes[b] - z.c.Classes[a]
	})
	return rows
}

// entropy is Σ_free targets H(shared/size)·size / Σ size with H the binary
// entropy in nats (scipy.stats.entropy of [shared, size-shared]).
func (z *zhawMapping) entropy(i int) float64 {
	var s, n float64
	for _, j := range z.cols {
		if !z.free[j] {
			continue
		}
		te, se := float64(z.c.ColSums[j]), float64(z.c.N[i][j])
		s += (entr(se/te) + entr((te-se)/te)) * te
		n += te
	}
	if s == 0 {
		return 0
	}
	return s / n
}

// entr is scipy.special.entr: -x·log(x), 0 at 0.
func entr(x float64) float64 {
	if x == 0 {
		return 0
	}
	return -x * math.Log(x)
}

// greedyPass is mr.py's step 3.
func (z *zhawMapping) greedyPass(order []int) {
	for _, i := range order {
		best, bestRel := -1, 0.0
		for _, j := range z.cols {
			if !z.free[j] {
				continue
			}
			if rel := float64(z.c.N[i][j]) / float64(z.c.ColSums[j]); best < 0 || rel > bestRel {
				best, bestRel = j, rel
			}
		}
		if best >= 0 {
			z.assign(i, best)
		}
	}
}
