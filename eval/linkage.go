package eval

import (
	"fmt"
	"math"
	"sort"
)

// Method is an agglomerative linkage criterion.
type Method int

const (
	Single   Method = iota // minimum distance (minimum spanning tree)
	Complete               // maximum distance (the ZHAW reference setting)
	Average                // UPGMA: size-weighted mean distance
	Weighted               // WPGMA: unweighted mean of the two children
	Ward                   // Ward's minimum variance (meaningful for Euclidean distances)
)

// ParseMethod accepts the scipy names single, complete, average, weighted, ward.
func ParseMethod(s string) (Method, error) {
	for m := Single; m <= Ward; m++ {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("eval: unknown linkage %q (want single, complete, average, weighted or ward)", s)
}

func (m Method) String() string {
	switch m {
	case Single:
		return "single"
	case Complete:
		return "complete"
	case Average:
		return "average"
	case Weighted:
		return "weighted"
	case Ward:
		return "ward"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Merge is one row of a linkage matrix in scipy's convention: clusters A < B
// (ids below n are observations, id n+i is the cluster formed by row i) are
// merged at Height into a cluster of Size observations.
type Merge struct {
	A, B   int
	Height float64
	Size   int
}

// Linkage clusters n observations given their condensed distance matrix
// (Pdist order, length n(n-1)/2) and returns the n-1 merges sorted by height,
// numbered as scipy.cluster.hierarchy.linkage numbers them. Single linkage
// uses Prim's minimum spanning tree, the others the nearest-neighbour chain
// (Müllner 2011); both take O(n²) time and O(n²) memory (one copy of dist).
func Linkage(dist []float64, n int, method Method) []Merge {
	if n < 1 || len(dist) != n*(n-1)/2 {
		panic(fmt.Sprintf("eval: Linkage: %d distances for %d observations", len(dist), n))
	}
	var raw []Merge
	if method == Single {
		raw = mstSingle(dist, n)
	} else {
		raw = nnChain(dist, n, method)
	}
	sort.SliceStable(raw, func(i, j int) bool { return raw[i].Height < raw[j].Height })
	return relabel(raw, n)
}

// mstSingle builds single linkage merges (in observation ids) from Prim's
// algorithm, starting at observation 0.
func mstSingle(dist []float64, n int) []Merge {
	merged := make([]bool, n)
	best := make([]float64, n)
	for i := range best {
		best[i] = math.Inf(1)
	}
	out := make([]Merge, 0, n-1)
	x := 0
	for k := 0; k < n-1; k++ {
		merged[x] = true
		y, cur := -1, math.Inf(1)
		for i := 0; i < n; i++ {
			if merged[i] {
				continue
			}
			if d := dist[CondensedIndex(x, i, n)]; d < best[i] {
				best[i] = d
			}
			if y < 0 || best[i] < cur {
				y, cur = i, best[i]
			}
		}
		out = append(out, Merge{A: x, B: y, Height: cur})
		x = y
	}
	return out
}

// nnChain runs the nearest-neighbour chain algorithm on a copy of dist; the
// merges name clusters by a representative observation.
func nnChain(dist []float64, n int, method Method) []Merge {
	d := append([]float64(nil), dist...)
	size := make([]int, n)
	for i := range size {
		size[i] = 1
	}
	chain := make([]int, 0, n)
	out := make([]Merge, 0, n-1)
	for k := 0; k < n-1; k++ {
		if len(chain) == 0 {
			chain = append(chain, firstAlive(size))
		}
		var x, y int
		var cur float64
		for {
			x, y, cur = nearestOnChain(d, size, chain, n)
			if len(chain) > 1 && y == chain[len(chain)-2] {
				break
			}
			chain = append(chain, y)
		}
		chain = chain[:len(chain)-2]
		if x > y {
			x, y = y, x
		}
		nx, ny := size[x], size[y]
		out = append(out, Merge{A: x, B: y, Height: cur, Size: nx + ny})
		size[x], size[y] = 0, nx+ny
		for i := 0; i < n; i++ {
			if size[i] == 0 || i == y {
				continue
			}
			iy := CondensedIndex(i, y, n)
			d[iy] = update(method, d[CondensedIndex(i, x, n)], d[iy], cur, nx, ny, size[i])
		}
	}
	return out
}

func firstAlive(size []int) int {
	for i, s := range size {
		if s > 0 {
			return i
		}
	}
	panic("eval: no cluster left")
}

// nearestOnChain returns the chain's tip x, its nearest live neighbour y
// (the previous chain element unless another is strictly nearer) and d(x, y).
func nearestOnChain(d []float64, size, chain []int, n int) (x, y int, cur float64) {
	x = chain[len(chain)-1]
	cur, y = math.Inf(1), -1
	if len(chain) > 1 {
		y = chain[len(chain)-2]
		cur = d[CondensedIndex(x, y, n)]
	}
	for i := 0; i < n; i++ {
		if size[i] == 0 || i == x {
			continue
		}
		if v := d[CondensedIndex(x, i, n)]; v < cur || y < 0 {
			cur, y = v, i
		}
	}
	return x, y, cur
}

// update is the Lance-Williams distance from cluster i (size ni) to the union
// of x and y (sizes nx, ny) given dix, diy and dxy.
func update(m Method, dix, diy, dxy float64, nx, ny, ni int) float64 {
	switch m {
	case Complete:
		return max(dix, diy)
	case Average:
		return (float64(nx)*dix + float64(ny)*diy) / float64(nx+ny)
	case Weighted:
		return 0.5 * (dix + diy)
	case Ward:
		t := 1 / float64(nx+ny+ni)
		return math.Sqrt(float64(ni+nx)*t*dix*dix + float64(ni+ny)*t*diy*diy - float64(ni)*t*dxy*dxy)
	}
	panic(fmt.Sprintf("eval: linkage method %v has no Lance-Williams update here", m))
}

// relabel renames the representative-observation merges (sorted by height)
// to scipy's cluster ids with a union-find, smaller id first.
func relabel(raw []Merge, n int) []Merge {
	parent := make([]int, 2*n-1)
	for i := range parent {
		parent[i] = i
	}
	size := make([]int, 2*n-1)
	for i := 0; i < n; i++ {
		size[i] = 1
	}
	find := func(x int) int {
		r := x
		for parent[r] != r {
			r = parent[r]
		}
		for parent[x] != r {
			parent[x], x = r, parent[x]
		}
		return r
	}
	out := make([]Merge, len(raw))
	for i, m := range raw {
		a, b := find(m.A), find(m.B)
		if a > b {
			a, b = b, a
		}
		id := n + i
		parent[a], parent[b] = id, id
		size[id] = size[a] + size[b]
		out[i] = Merge{A: a, B: b, Height: m.Height, Size: size[id]}
	}
	return out
}
