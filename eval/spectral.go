package eval

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// SpectralOptions configure Spectral.
type SpectralOptions struct {
	// Clusters is the number of clusters; 0 estimates it from the
	// normalised maximum eigengap (NME-SC, Park et al. 2019).
	Clusters int
	// MaxClusters bounds the estimate (default min(20, n-1)).
	MaxClusters int
	// Seed of the k-means initialisation (default 1).
	Seed uint64
}

// Spectral clusters the rows of x (row-major [n, dim]) by NME-SC: the
// affinity is the similarity 1-d for cosine and exp(-d/median d) for the
// other metrics; for each candidate p the p largest affinities of each row
// are kept (binarised, symmetrised), and the p minimising p/g(p), g the
// largest gap of the Laplacian's smallest eigenvalues normalised by the
// largest eigenvalue, is chosen; the number of clusters is the position of
// that gap. The rows of the eigenvectors of the k smallest eigenvalues are
// grouped by k-means (k-means++, 10 restarts). Labels run from 1. O(n³)
// per candidate p (at most 20 candidates).
func Spectral(x []float32, dim int, m Metric, opts SpectralOptions) ([]int, error) {
	n := len(x) / dim
	if n < 3 {
		return nil, errors.New("eval: spectral clustering needs at least 3 observations")
	}
	if opts.MaxClusters <= 0 {
		opts.MaxClusters = min(20, n-1)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	aff := affinity(Pdist(x, dim, m), n, m)
	best := math.Inf(1)
	var bestVecs *mat.Dense
	k := opts.Clusters
	for _, p := range candidateP(n) {
		vals, vecs, ok := laplacianEigen(aff, n, p)
		if !ok {
			continue
		}
		gapK, gap := maxGap(vals, min(opts.MaxClusters, n-1))
		if r := float64(p) / (gap/(vals[n-1]+1e-10) + 1e-10); r < best {
			best, bestVecs = r, vecs
			if opts.Clusters == 0 {
				k = gapK
			}
		}
	}
	if bestVecs == nil {
		return nil, errors.New("eval: spectral clustering: eigendecomposition failed")
	}
	k = max(1, min(k, n))
	emb := make([][]float64, n)
	for i := range emb {
		emb[i] = make([]float64, k)
		for j := 0; j < k; j++ {
			emb[i][j] = bestVecs.At(i, j)
		}
	}
	labels := KMeans(emb, k, 10, opts.Seed)
	for i := range labels {
		labels[i]++
	}
	return labels, nil
}

// affinity returns the dense [n, n] similarity matrix with a zero diagonal.
func affinity(d []float64, n int, m Metric) []float64 {
	scale := 1.0
	if m != Cosine {
		s := append([]float64(nil), d...)
		sort.Float64s(s)
		if med := s[len(s)/2]; med > 0 {
			scale = med
		}
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := d[CondensedIndex(i, j, n)]
			if m == Cosine {
				v = 1 - v
			} else {
				v = math.Exp(-v / scale)
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// candidateP lists at most 20 neighbourhood sizes from 2 to max(2, n/4).
func candidateP(n int) []int {
	hi := max(2, n/4)
	step := max(1, (hi-1)/20)
	var ps []int
	for p := 2; p <= hi; p += step {
		ps = append(ps, min(p, n-1))
	}
	return ps
}

// laplacianEigen binarises each row of aff to its p largest entries,
// symmetrises, and returns the eigenvalues (ascending) and eigenvectors of
// the unnormalised Laplacian D - A.
func laplacianEigen(aff []float64, n, p int) ([]float64, *mat.Dense, bool) {
	b := make([]float64, n*n)
	idx := make([]int, n)
	for i := 0; i < n; i++ {
		row := aff[i*n : (i+1)*n]
		for j := range idx {
			idx[j] = j
		}
		sort.Slice(idx, func(a, c int) bool { return row[idx[a]] > row[idx[c]] })
		for _, j := range idx[:p] {
			if j != i {
				b[i*n+j] += 0.5
				b[j*n+i] += 0.5
			}
		}
	}
	l := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		var deg float64
		for j := 0; j < n; j++ {
			deg += b[i*n+j]
			if j > i {
				l.SetSym(i, j, -b[i*n+j])
			}
		}
		l.SetSym(i, i, deg)
	}
	var eig mat.EigenSym
	if !eig.Factorize(l, true) {
		return nil, nil, false
	}
	vecs := &mat.Dense{}
	eig.VectorsTo(vecs)
	return eig.Values(nil), vecs, true
}

// maxGap returns k (1..maxK) maximising vals[k] - vals[k-1], and that gap.
func maxGap(vals []float64, maxK int) (int, float64) {
	k, g := 1, -1.0
	for i := 1; i <= maxK && i < len(vals); i++ {
		if d := vals[i] - vals[i-1]; d > g {
			k, g = i, d
		}
	}
	return k, g
}
