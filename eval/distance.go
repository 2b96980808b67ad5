package eval

import (
	"fmt"
	"math"
)

// Metric is a distance between two vectors.
type Metric int

const (
	// Cosine is 1 - u·v/(|u||v|), as scipy.spatial.distance.cosine; a zero
	// vector is at distance 1 from everything.
	Cosine Metric = iota
	// Euclidean is |u - v|.
	Euclidean
	// SymKL is the symmetric Kullback-Leibler divergence of two probability
	// vectors, KL(p||q) + KL(q||p) = Σ (p_i - q_i)(ln p_i - ln q_i), natural
	// log, with entries floored at KLFloor.
	SymKL
)

// KLFloor is the smallest probability SymKL uses, so that ln 0 never occurs.
const KLFloor = 1e-10

// ParseMetric accepts "cosine", "euclidean" and "kl" (or "symkl").
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "cosine", "cos":
		return Cosine, nil
	case "euclidean", "euclid", "l2":
		return Euclidean, nil
	case "kl", "symkl", "symmetric-kl":
		return SymKL, nil
	}
	return 0, fmt.Errorf("eval: unknown distance %q (want cosine, euclidean or kl)", s)
}

func (m Metric) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case Euclidean:
		return "euclidean"
	case SymKL:
		return "kl"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// Distance returns the m-distance of u and v (equal lengths), in float64.
func (m Metric) Distance(u, v []float32) float64 {
	if len(u) != len(v) {
		panic("eval: Distance: length mismatch")
	}
	switch m {
	case Cosine:
		var uv, uu, vv float64
		for i := range u {
			a, b := float64(u[i]), float64(v[i])
			uv += a * b
			uu += a * a
			vv += b * b
		}
		if uu == 0 || vv == 0 {
			return 1
		}
		return 1 - uv/math.Sqrt(uu*vv)
	case Euclidean:
		var s float64
		for i := range u {
			d := float64(u[i]) - float64(v[i])
			s += d * d
		}
		return math.Sqrt(s)
	case SymKL:
		var s float64
		for i := range u {
			p, q := max(float64(u[i]), KLFloor), max(float64(v[i]), KLFloor)
			s += (p - q) * (math.Log(p) - math.Log(q))
		}
		return s
	}
	panic(fmt.Sprintf("eval: unknown metric %d", int(m)))
}

// Pdist returns the condensed distance matrix of the n = len(x)/dim rows
// of x (row-major [n, dim] float32): the n(n-1)/2 distances d(i, j), i < j,
// in scipy.spatial.distance.pdist order (row i's pairs follow row i-1's).
func Pdist(x []float32, dim int, m Metric) []float64 {
	if dim <= 0 || len(x)%dim != 0 {
		panic("eval: Pdist: data length is not a multiple of dim")
	}
	n := len(x) / dim
	d := make([]float64, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		u := x[i*dim : (i+1)*dim]
		for j := i + 1; j < n; j++ {
			d = append(d, m.Distance(u, x[j*dim:(j+1)*dim]))
		}
	}
	return d
}

// CondensedIndex is the position of pair (i, j), i != j, in a condensed
// matrix of n points.
func CondensedIndex(i, j, n int) int {
	if i > j {
		i, j = j, i
	}
	return n*i - i*(i+1)/2 + j - i - 1
}

// CondensedSize returns n for a condensed matrix of length l = n(n-1)/2, or
// -1 when l is not of that form.
func CondensedSize(l int) int {
	n := int(math.Round((1 + math.Sqrt(1+8*float64(l))) / 2))
	if n*(n-1)/2 != l {
		return -1
	}
	return n
}
