package eval

import "math"

// OracleCut returns the dendrogram level with the lowest MR against truth,
// searching every level from n singletons to one cluster: the labels
// (0-based), the MR and the number of merges applied. Ties go to the level
// with fewer merges. It is an oracle (it looks at the true speakers) and is
// reported as such; it is the best any cut of this tree can do.
//
// The class-by-cluster counts are updated merge by merge; the optimal
// assignment (Hungarian) is only solved at levels whose upper bound
// min(Σ_class max share, Σ_cluster max share) beats the best so far.
func OracleCut(z []Merge, truth []int) (labels []int, mr float64, merges int) {
	n := len(truth)
	if len(z) != n-1 {
		panic("eval: OracleCut: linkage does not match the labels")
	}
	cls, names := firstAppearance(truth)
	o := newOracleState(cls, len(names))
	best := o.matched()
	for m, mg := range z {
		o.merge(mg, n+m)
		if o.bound() <= best {
			continue
		}
		if got := o.matched(); got > best {
			best, merges = got, m+1
		}
	}
	return LabelsAfter(z, merges), 1 - float64(best)/float64(n), merges
}

// oracleState holds the live clusters' class counts during OracleCut.
type oracleState struct {
	counts  map[int]map[int]int // cluster id -> class -> count
	colMax  map[int]int         // cluster id -> its largest class count
	rowMax  []int               // class -> its largest count in one cluster
	rowSum  int                 // Σ rowMax
	colSum  int                 // Σ colMax
	classes int
}

func newOracleState(cls []int, k int) *oracleState {
	o := &oracleState{counts: map[int]map[int]int{}, colMax: map[int]int{}, rowMax: make([]int, k), classes: k}
	for i, c := range cls {
		o.counts[i] = map[int]int{c: 1}
		o.colMax[i] = 1
		o.rowMax[c] = 1
	}
	o.rowSum, o.colSum = k, len(cls)
	return o
}

// merge joins clusters mg.A and mg.B into cluster id.
func (o *oracleState) merge(mg Merge, id int) {
	a, b := o.counts[mg.A], o.counts[mg.B]
	if len(a) < len(b) {
		a, b = b, a
	}
	for c, v := range b {
		a[c] += v
	}
	o.colSum -= o.colMax[mg.A] + o.colMax[mg.B]
	cm := 0
	for c, v := range a {
		cm = max(cm, v)
		if v > o.rowMax[c] {
			o.rowSum += v - o.rowMax[c]
			o.rowMax[c] = v
		}
	}
	o.colSum += cm
	delete(o.counts, mg.A)
	delete(o.counts, mg.B)
	delete(o.colMax, mg.A)
	delete(o.colMax, mg.B)
	o.counts[id], o.colMax[id] = a, cm
}

func (o *oracleState) bound() int { return min(o.rowSum, o.colSum) }

// matched solves the class-to-cluster assignment over the live clusters.
func (o *oracleState) matched() int {
	w := make([][]float64, o.classes)
	ids := make([]int, 0, len(o.counts))
	for id := range o.counts {
		ids = append(ids, id)
	}
	for c := range w {
		w[c] = make([]float64, len(ids))
	}
	for j, id := range ids {
		for c, v := range o.counts[id] {
			w[c][j] = float64(v)
		}
	}
	total := 0
	for c, j := range MaxAssignment(w) {
		if j >= 0 {
			total += int(w[c][j])
		}
	}
	return total
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
