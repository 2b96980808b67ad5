package baseline

import (
	"math"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// MeanStd writes the column means and population standard deviations
// (numpy mean/std with ddof 0, float64 sums, two passes) of x to dst
// (reused when its capacity suffices) and returns it.
//
//	x:      [n, dim] float32, row-major, n > 0
//	result: [2*dim] float32: means, then standard deviations
//
// It panics when n <= 0 or x is shorter than n*dim.
func MeanStd(dst, x []float32, n, dim int) []float32 {
	if n <= 0 || dim <= 0 || len(x) < n*dim {
		panic("baseline: MeanStd shape mismatch")
	}
	if cap(dst) < 2*dim {
		dst = make([]float32, 2*dim)
	}
	dst = dst[:2*dim]
	mean := feature.ColumnMean(x, n, dim)
	ss := make([]float64, dim)
	for t := 0; t < n; t++ {
		for j, v := range x[t*dim : (t+1)*dim] {
			d := float64(v) - mean[j]
			ss[j] += d * d
		}
	}
	for j := range mean {
		dst[j] = float32(mean[j])
		dst[dim+j] = float32(math.Sqrt(ss[j] / float64(n)))
	}
	return dst
}
