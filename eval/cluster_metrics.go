package eval

import "math"

// MR is the exact misclassification rate of a clustering (Kotti et al.
// 2008, as the ZHAW papers define it): each true speaker is mapped to at
// most one cluster and each cluster to at most one speaker, so that as many
// observations as possible sit in their speaker's cluster; MR is the
// fraction that does not, 1 - matched/N. The mapping is optimal (Hungarian
// algorithm, MaxAssignment on the contingency table), so MR does not depend
// on how speakers or clusters are numbered. The ZHAW reference code
// approximates it greedily (MRZHAW, never smaller). truth and pred are label
// slices of equal length; MR of empty input is 0.
func MR(truth, pred []int) float64 {
	if len(truth) == 0 {
		return 0
	}
	c := NewContingency(truth, pred)
	return 1 - float64(c.Matched())/float64(c.Total)
}

// LegacyMR is the stricter MR of Lukic and Vogt (2016) used by the early
// ZHAW code, for every level of the dendrogram z of len(truth) observations:
// out[k] is the MR after k merges. An observation counts as correct only
// once it was merged directly, as a singleton, with a singleton of the same
// speaker; any merge involving a non-singleton or two speakers marks all its
// observations wrong. Report the minimum over levels, as they did.
func LegacyMR(z []Merge, truth []int) []float64 {
	n := len(truth)
	if len(z) != n-1 {
		panic("eval: LegacyMR: linkage does not match the labels")
	}
	members := make([][]int, 2*n-1)
	wrong := make([]bool, n)
	for i := range n {
		members[i] = []int{i}
		wrong[i] = true
	}
	errs := n
	out := make([]float64, 0, n)
	out = append(out, float64(errs)/float64(n))
	for k, m := range z {
		members[n+k] = append(append([]int(nil), members[m.A]...), members[m.B]...)
		same := m.A < n && m.B < n && truth[m.A] == truth[m.B]
		for _, i := range members[n+k] {
			if wrong[i] == same {
				wrong[i] = !same
				if same {
					errs--
				} else {
					errs++
				}
			}
		}
		out = append(out, float64(errs)/float64(n))
	}
	return out
}

// ACP is the average cluster purity: Σ_clusters Σ_speakers n_ij²/n_i / N
// (ZHAW acp.py; Ajmera et al. 2002).
func ACP(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	return purityStat(c.N, c.ColSums, true, c.Total)
}

// ASP is the average speaker purity, ACP with the roles of speakers and
// clusters swapped.
func ASP(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	return purityStat(c.N, c.RowSums, false, c.Total)
}

func purityStat(n [][]int, sums []int, byCol bool, total int) float64 {
	if total == 0 {
		return 0
	}
	var s float64
	for i := range n {
		for j, v := range n[i] {
			k := i
			if byCol {
				k = j
			}
			s += float64(v) * float64(v) / float64(sums[k])
		}
	}
	return s / float64(total)
}

// Purity is the fraction of observations that belong to their cluster's
// majority speaker; Coverage the fraction in their speaker's majority
// cluster (pyannote.metrics' purity and coverage for equal-length items).
func Purity(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	colMax := make([]int, len(c.ColSums))
	for _, row := range c.N {
		for j, v := range row {
			colMax[j] = max(colMax[j], v)
		}
	}
	return ratio(sum(colMax), c.Total)
}

// Coverage: see Purity.
func Coverage(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	s := 0
	for _, row := range c.N {
		m := 0
		for _, v := range row {
			m = max(m, v)
		}
		s += m
	}
	return ratio(s, c.Total)
}

func sum(x []int) int {
	s := 0
	for _, v := range x {
		s += v
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ARI is the adjusted Rand index, as scikit-learn's adjusted_rand_score
// (pair-confusion form; 1 when the two partitions agree on all pairs).
func ARI(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	n := float64(c.Total)
	var sq, rowDot, colDot float64
	for i, row := range c.N {
		for j, v := range row {
			x := float64(v)
			sq += x * x
			rowDot += x * float64(c.RowSums[i])
			colDot += x * float64(c.ColSums[j])
		}
	}
	tp := sq - n
	fp := colDot - sq
	fn := rowDot - sq
	tn := n*n - fp - fn - sq
	if fn == 0 && fp == 0 {
		return 1
	}
	return 2 * (tp*tn - fn*fp) / ((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn))
}

// NMI is the normalised mutual information with the arithmetic mean of the
// two entropies, as scikit-learn's normalized_mutual_info_score defaults.
func NMI(truth, pred []int) float64 {
	c := NewContingency(truth, pred)
	if len(c.RowSums) == len(c.ColSums) && len(c.RowSums) <= 1 {
		return 1
	}
	n := float64(c.Total)
	var mi float64
	for i, row := range c.N {
		for j, v := range row {
			if v > 0 {
				x := float64(v)
				mi += x / n * (math.Log(x*n) - math.Log(float64(c.RowSums[i])*float64(c.ColSums[j])))
			}
		}
	}
	if mi <= 0 {
		return 0
	}
	return mi / ((entropy(c.RowSums, n) + entropy(c.ColSums, n)) / 2)
}

func entropy(counts []int, n float64) float64 {
	var h float64
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log(p)
		}
	}
	return h
}
