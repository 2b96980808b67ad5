package eval

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Pdist32 is Pdist in float32: the condensed distance matrix of the n rows
// of x (row-major [n, dim] float32), n(n-1)/2 values in
// scipy.spatial.distance.pdist order, half the memory of Pdist. Cosine and
// Euclidean distances come from float32 dot products over blocks of rows,
// spread over GOMAXPROCS goroutines: cosine is 1 - u·v of the
// length-normalised rows (a zero row is at distance 1 from everything),
// Euclidean is sqrt(|u|² + |v|² - 2u·v) (floored at 0), so both agree with
// the float64 Pdist to about 1e-6 relative to |u||v|, not bit for bit.
// SymKL is computed pair by pair in float64 and rounded.
func Pdist32(x []float32, dim int, m Metric) []float32 {
	if dim <= 0 || len(x)%dim != 0 {
		panic("eval: Pdist32: data length is not a multiple of dim")
	}
	n := len(x) / dim
	d := make([]float32, n*(n-1)/2)
	if n < 2 {
		return d
	}
	switch m {
	case Cosine:
		u := normalisedRows(x, dim)
		parallelRows(n, pdistBlock, func(i0, i1 int) {
			pdistRows(d, u, dim, n, i0, i1, func(_, _ int, dot float32) float32 { return 1 - dot })
		})
	case Euclidean:
		sq := rowNorms2(x, dim)
		parallelRows(n, pdistBlock, func(i0, i1 int) {
			pdistRows(d, x, dim, n, i0, i1, func(i, j int, dot float32) float32 {
				return float32(math.Sqrt(float64(max(0, sq[i]+sq[j]-2*dot))))
			})
		})
	default:
		parallelRows(n, pdistBlock, func(i0, i1 int) {
			for i := i0; i < i1; i++ {
				u, k := x[i*dim:(i+1)*dim], CondensedIndex(i, i+1, n)
				for j := i + 1; j < n; j++ {
					d[k+j-i-1] = float32(m.Distance(u, x[j*dim:(j+1)*dim]))
				}
			}
		})
	}
	return d
}

// pdistBlock rows of x go to a goroutine at a time; pdistTile rows of the
// other side are kept hot in cache while a block's rows stream past them.
const (
	pdistBlock = 64
	pdistTile  = 128
)

// pdistRows fills the condensed rows i0 <= i < i1 of d with f(i, j, x_i·x_j),
// j > i, tile by tile.
func pdistRows(d, x []float32, dim, n, i0, i1 int, f func(i, j int, dot float32) float32) {
	for j0 := i0 + 1; j0 < n; j0 += pdistTile {
		j1 := min(n, j0+pdistTile)
		for i := i0; i < min(i1, j1-1); i++ {
			lo := max(j0, i+1)
			k := CondensedIndex(i, lo, n)
			out := d[k : k+j1-lo]
			dotRows(out, x[i*dim:(i+1)*dim], x[lo*dim:j1*dim], dim)
			for t := range out {
				out[t] = f(i, lo+t, out[t])
			}
		}
	}
}

// parallelRows calls fn on consecutive blocks [i0, i1) of 0..n-1, block rows
// at a time, from GOMAXPROCS goroutines taking the next block as they finish.
func parallelRows(n, block int, fn func(i0, i1 int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+block-1)/block)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i0 := int(next.Add(int64(block))) - block
				if i0 >= n {
					return
				}
				fn(i0, min(n, i0+block))
			}
		}()
	}
	wg.Wait()
}

// normalisedRows returns x [n, dim] with every non-zero row scaled to unit
// length (the norm taken in float64); zero rows stay zero.
func normalisedRows(x []float32, dim int) []float32 {
	u := make([]float32, len(x))
	for i := 0; i < len(x); i += dim {
		var s float64
		for _, v := range x[i : i+dim] {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			continue
		}
		inv := 1 / math.Sqrt(s)
		for k, v := range x[i : i+dim] {
			u[i+k] = float32(float64(v) * inv)
		}
	}
	return u
}

// rowNorms2 returns the squared length of each row of x [n, dim].
func rowNorms2(x []float32, dim int) []float32 {
	out := make([]float32, len(x)/dim)
	for i := range out {
		row := x[i*dim : (i+1)*dim]
		out[i] = dotGo(row, row)
	}
	return out
}
