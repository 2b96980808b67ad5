package eval

// Contingency is the table of counts N[i][j] of observations with true
// class i and predicted cluster j; classes and clusters are numbered in
// order of first appearance.
type Contingency struct {
	N        [][]int
	Total    int
	RowSums  []int // class sizes
	ColSums  []int // cluster sizes
	Classes  []int // original true label of each row
	Clusters []int // original predicted label of each column
}

// NewContingency tabulates truth against pred (equal lengths).
func NewContingency(truth, pred []int) *Contingency {
	if len(truth) != len(pred) {
		panic("eval: NewContingency: length mismatch")
	}
	c := &Contingency{Total: len(truth)}
	rows, classes := firstAppearance(truth)
	cols, clusters := firstAppearance(pred)
	c.Classes, c.Clusters = classes, clusters
	c.RowSums, c.ColSums = make([]int, len(classes)), make([]int, len(clusters))
	c.N = make([][]int, len(classes))
	for i := range c.N {
		c.N[i] = make([]int, len(clusters))
	}
	for k := range truth {
		c.N[rows[k]][cols[k]]++
		c.RowSums[rows[k]]++
		c.ColSums[cols[k]]++
	}
	return c
}

// firstAppearance renumbers labels 0, 1, ... in order of first appearance
// and returns the new labels and the original label of each number.
func firstAppearance(labels []int) (idx, orig []int) {
	ids := map[int]int{}
	idx = make([]int, len(labels))
	for k, l := range labels {
		i, ok := ids[l]
		if !ok {
			i = len(ids)
			ids[l] = i
			orig = append(orig, l)
		}
		idx[k] = i
	}
	return idx, orig
}

// Matched is the largest number of observations covered by a one-to-one
// assignment of classes to clusters (Hungarian algorithm).
func (c *Contingency) Matched() int {
	w := make([][]float64, len(c.N))
	for i, row := range c.N {
		w[i] = make([]float64, len(row))
		for j, v := range row {
			w[i][j] = float64(v)
		}
	}
	total := 0
	for i, j := range MaxAssignment(w) {
		if j >= 0 {
			total += c.N[i][j]
		}
	}
	return total
}
