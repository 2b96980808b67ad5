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
// Ties go as in scipy: a chain's tip keeps its predecessor unless another
// cluster is strictly nearer, else takes the lowest-numbered nearest one,
// and merges of equal height keep the order they were found in.
func Linkage(dist []float64, n int, method Method) []Merge {
	checkCondensed(len(dist), n)
	if method == Single {
		return sortRelabel(mstSingle(dist, n), n)
	}
	return sortRelabel(nnChain(append([]float64(nil), dist...), unitSizes(n), n, method), n)
}

// Linkage32 is Linkage on float32 distances (Pdist32), in place: dist is
// overwritten by the Lance-Williams updates (single linkage leaves it
// alone), so the only O(n²) memory is the caller's 2n(n-1) bytes. Heights
// are the float32 distances or updates widened to float64. For single and
// complete linkage the merges are exactly scipy's on the same float32
// values; average, weighted and Ward round each update to float32, which
// can reorder merges whose heights agree to about 1e-7 relative.
func Linkage32(dist []float32, n int, method Method) []Merge {
	return LinkageSizes32(dist, nil, n, method)
}

// LinkageSizes32 is Linkage32 for observations that stand for size[i] >= 1
// points each (nil: one each), such as k-means centroids: average and Ward
// linkage weight them by size as the Lance-Williams updates of their
// points' clusters would; single, complete and weighted linkage ignore
// sizes. Merge.Size still counts observations.
func LinkageSizes32(dist []float32, size []int, n int, method Method) []Merge {
	return sortRelabel(linkageRaw32(dist, size, n, method), n)
}

// linkageRaw32 is LinkageSizes32 before sorting and numbering: the merges
// in the order found, each naming its clusters by a representative
// observation.
func linkageRaw32(dist []float32, size []int, n int, method Method) []Merge {
	checkCondensed(len(dist), n)
	if size == nil {
		size = unitSizes(n)
	} else if len(size) != n {
		panic("eval: LinkageSizes32: size length mismatch")
	} else {
		size = append([]int(nil), size...)
	}
	if method == Single {
		return mstSingle(dist, n)
	}
	return nnChain(dist, size, n, method)
}

func checkCondensed(l, n int) {
	if n < 1 || l != n*(n-1)/2 {
		panic(fmt.Sprintf("eval: Linkage: %d distances for %d observations", l, n))
	}
}

func unitSizes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// sortRelabel sorts representative-observation merges by height (stably,
// as scipy) and numbers them as scipy does.
func sortRelabel(raw []Merge, n int) []Merge {
	sort.SliceStable(raw, func(i, j int) bool { return raw[i].Height < raw[j].Height })
	return relabel(raw, n)
}

// mstSingle builds single linkage merges (in observation ids) from Prim's
// algorithm, starting at observation 0.
func mstSingle[T float32 | float64](dist []T, n int) []Merge {
	merged := make([]bool, n)
	best := make([]T, n)
	for i := range best {
		best[i] = T(math.Inf(1))
	}
	out := make([]Merge, 0, n-1)
	x := 0
	for k := 0; k < n-1; k++ {
		merged[x] = true
		y, cur := -1, T(math.Inf(1))
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
		out = append(out, Merge{A: x, B: y, Height: float64(cur)})
		x = y
	}
	return out
}

// nnChain runs the nearest-neighbour chain algorithm on d in place (size:
// the observations each starts as, overwritten); the merges name clusters
// by a representative observation and count Size in observations.
func nnChain[T float32 | float64](d []T, size []int, n int, method Method) []Merge {
	obs := unitSizes(n)
	chain := make([]int, 0, n)
	out := make([]Merge, 0, n-1)
	for k := 0; k < n-1; k++ {
		if len(chain) == 0 {
			chain = append(chain, firstAlive(size))
		}
		var x, y int
		var cur T
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
		obs[y] += obs[x]
		out = append(out, Merge{A: x, B: y, Height: float64(cur), Size: obs[y]})
		size[x], size[y] = 0, nx+ny
		for i := 0; i < n; i++ {
			if size[i] == 0 || i == y {
				continue
			}
			iy := CondensedIndex(i, y, n)
			d[iy] = T(update(method, float64(d[CondensedIndex(i, x, n)]), float64(d[iy]), float64(cur), nx, ny, size[i]))
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
func nearestOnChain[T float32 | float64](d []T, size, chain []int, n int) (x, y int, cur T) {
	x = chain[len(chain)-1]
	cur, y = T(math.Inf(1)), -1
	if len(chain) > 1 {
		y = chain[len(chain)-2]
		cur = d[CondensedIndex(x, y, n)]
	}
	// Pairs (i, x), i < x, down column x, then (x, i), i > x, along row x:
	// the observations in increasing order.
	k := x - 1
	for i := 0; i < x; i++ {
		if size[i] != 0 {
			if v := d[k]; v < cur || y < 0 {
				cur, y = v, i
			}
		}
		k += n - i - 2
	}
	row := d[CondensedIndex(x, x+1, n):]
	for i := x + 1; i < n; i++ {
		if size[i] != 0 {
			if v := row[i-x-1]; v < cur || y < 0 {
				cur, y = v, i
			}
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
