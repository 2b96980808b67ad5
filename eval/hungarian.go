package eval

import "math"

// MaxAssignment returns the one-to-one assignment of rows to columns of the
// weight matrix w ([rows][cols], any shape) with the largest total weight,
// as match[row] = column or -1 for rows left unmatched (when rows > cols).
// It runs the Hungarian algorithm with potentials (Kuhn-Munkres, O(r²c)).
func MaxAssignment(w [][]float64) []int {
	r := len(w)
	if r == 0 {
		return nil
	}
	c := len(w[0])
	if r <= c {
		return minCostAssign(r, c, func(i, j int) float64 { return -w[i][j] })
	}
	colToRow := minCostAssign(c, r, func(i, j int) float64 { return -w[j][i] })
	match := make([]int, r)
	for i := range match {
		match[i] = -1
	}
	for j, i := range colToRow {
		match[i] = j
	}
	return match
}

// minCostAssign assigns each of n rows to a distinct one of m >= n columns
// with minimal total cost(i, j); the classic potentials formulation.
func minCostAssign(n, m int, cost func(i, j int) float64) []int {
	u := make([]float64, n+1)
	v := make([]float64, m+1)
	p := make([]int, m+1) // p[j]: row (1-based) assigned to column j
	way := make([]int, m+1)
	minv := make([]float64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				if cur := cost(i0-1, j-1) - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			if j0 = j1; p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	match := make([]int, n)
	for j := 1; j <= m; j++ {
		if p[j] > 0 {
			match[p[j]-1] = j - 1
		}
	}
	return match
}
