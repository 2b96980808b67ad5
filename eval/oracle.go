package eval

import "math"

// OracleCut returns the dendrogram level with the lowest MR against truth,
// searching every level from n singletons to one cluster: the labels
// (0-based), the MR and the number of merges applied. Ties go to the level
// with fewer merges. It is an oracle (it looks at the true speakers) and is
// reported as such; it is the best any cut of this tree can do.
func OracleCut(z []Merge, truth []int) (labels []int, mr float64, merges int) {
	n := len(truth)
	if len(z) != n-1 {
		panic("eval: OracleCut: linkage does not match the labels")
	}
	best := -1
	for m := 0; m < n; m++ {
		l := LabelsAfter(z, m)
		c := NewContingency(truth, l)
		if c.matchBound() <= best {
			continue
		}
		if got := c.Matched(); got > best {
			best, merges, labels = got, m, l
		}
	}
	return labels, 1 - float64(best)/float64(n), merges
}

// LevelThreshold returns a distance threshold that reproduces the level
// after m merges with CutDistance: the midpoint between the height of merge
// m-1 and merge m (below the first height for m = 0, above the last for
// m = n-1). Heights must be monotone (true for every Method here).
func LevelThreshold(z []Merge, m int) float64 {
	switch {
	case len(z) == 0:
		return 0
	case m <= 0:
		h := z[0].Height
		return h - math.Max(math.Abs(h), 1)*1e-9
	case m >= len(z):
		h := z[len(z)-1].Height
		return h + math.Max(math.Abs(h), 1)*1e-9
	}
	return (z[m-1].Height + z[m].Height) / 2
}

// TuneThreshold picks the cut threshold on a development tree: the
// LevelThreshold of its oracle level, with the dev MR there.
func TuneThreshold(devZ []Merge, devTruth []int) (threshold, devMR float64) {
	_, mr, m := OracleCut(devZ, devTruth)
	return LevelThreshold(devZ, m), mr
}

// Heights returns the merge heights of z.
func Heights(z []Merge) []float64 {
	h := make([]float64, len(z))
	for i, m := range z {
		h[i] = m.Height
	}
	return h
}
