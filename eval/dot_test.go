package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotRows checks both kernels against a float64 dot product for row
// counts and dimensions that exercise the four-row blocks, the eight-lane
// body and the scalar tails.
func TestDotRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, fma := range []bool{false, useFMA} {
		for _, tc := range []struct{ rows, dim int }{{1, 1}, {3, 7}, {4, 8}, {5, 16}, {9, 23}, {8, 512}, {13, 100}} {
			u := make([]float32, tc.dim)
			v := make([]float32, tc.rows*tc.dim)
			for i := range u {
				u[i] = float32(rng.NormFloat64())
			}
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
			saved := useFMA
			useFMA = fma
			out := make([]float32, tc.rows)
			dotRows(out, u, v, tc.dim)
			useFMA = saved
			for j := range out {
				var want, mag float64
				for k := range u {
					p := float64(u[k]) * float64(v[j*tc.dim+k])
					want += p
					mag += math.Abs(p)
				}
				if math.Abs(float64(out[j])-want) > 1e-5*mag+1e-6 {
					t.Errorf("fma=%v rows=%d dim=%d: row %d = %g, want %g", fma, tc.rows, tc.dim, j, out[j], want)
				}
			}
		}
	}
}

func BenchmarkDotRows(b *testing.B) {
	const rows, dim = 256, 512
	u := make([]float32, dim)
	v := make([]float32, rows*dim)
	for i := range v {
		v[i] = float32(i%7) - 3
	}
	out := make([]float32, rows)
	for b.Loop() {
		dotRows(out, u, v, dim)
	}
	b.ReportMetric(float64(rows*dim)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFMA/s")
}
