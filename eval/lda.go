package eval

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// LDA is a linear discriminant projection y = W·x, W: [Out, In] row-major,
// as Kaldi's ivector-compute-lda estimates it (without its offset column:
// the input is expected to be mean-subtracted, see Backend).
type LDA struct {
	In  int       `json:"in"`  // input dimension
	Out int       `json:"out"` // output dimension
	W   []float64 `json:"w"`   // [Out, In] row-major
	// Eigenvalues are the between-class variances of the kept directions in
	// the space where the within-class covariance is unit, largest first.
	Eigenvalues []float64 `json:"eigenvalues"`
}

// LDAOptions are the options of ivector-compute-lda.
type LDAOptions struct {
	// TotalCovarianceFactor weighs the total covariance against the
	// within-class covariance in the matrix that is made unit; Kaldi's
	// default (and the recipes' setting) is 0: within-class only.
	TotalCovarianceFactor float64
	// CovarianceFloor floors the eigenvalues of that matrix relative to its
	// largest; 0 means Kaldi's default 1e-6.
	CovarianceFloor float64
}

// FitLDA estimates an out-dimensional LDA from the rows of x ([n, dim]
// row-major, float64, already mean-subtracted) with speaker labels (any
// ints), following Kaldi's ComputeLdaTransform: total covariance T = Σxxᵀ/n
// and within-class covariance W = (Σxxᵀ - Σ_s n_s m_s m_sᵀ)/n; the matrix
// f·T + (1-f)·W is made unit by P = diag(s^-1/2)Uᵀ of its eigenvectors (s
// floored); the between-class covariance T - W projected by P is
// diagonalised, and the out eigenvectors with the largest eigenvalues are
// kept: W_lda = U_outᵀ·P. It returns an error when the data cannot support
// the projection (fewer utterances than speakers + 1, out out of range).
func FitLDA(x []float64, dim int, labels []int, out int, opts LDAOptions) (*LDA, error) {
	n := len(labels)
	if dim <= 0 || len(x) != n*dim {
		panic("eval: FitLDA: data does not match labels")
	}
	if out < 1 || out > dim {
		return nil, fmt.Errorf("eval: LDA dimension %d out of range 1..%d", out, dim)
	}
	groups := groupRows(labels)
	if n-len(groups) <= 0 {
		return nil, fmt.Errorf("eval: LDA needs more utterances than speakers (%d utterances, %d speakers)", n, len(groups))
	}
	floor := opts.CovarianceFloor
	if floor == 0 {
		floor = 1e-6
	}
	tot, between := mat.NewSymDense(dim, nil), mat.NewSymDense(dim, nil)
	for _, rows := range groups {
		m := make([]float64, dim)
		for _, r := range rows {
			v := x[r*dim : (r+1)*dim]
			tot.SymRankOne(tot, 1, mat.NewVecDense(dim, append([]float64(nil), v...)))
			for j, a := range v {
				m[j] += a / float64(len(rows))
			}
		}
		between.SymRankOne(between, float64(len(rows)), mat.NewVecDense(dim, m))
	}
	total, within := mat.NewSymDense(dim, nil), mat.NewSymDense(dim, nil)
	total.ScaleSym(1/float64(n), tot)
	within.AddSym(tot, scaledSym(-1, between))
	within.ScaleSym(1/float64(n), within)
	norm := mat.NewSymDense(dim, nil)
	norm.AddSym(scaledSym(opts.TotalCovarianceFactor, total), scaledSym(1-opts.TotalCovarianceFactor, within))
	p, err := normalizingTransform(norm, floor)
	if err != nil {
		return nil, err
	}
	betweenCov := mat.NewSymDense(dim, nil)
	betweenCov.AddSym(total, scaledSym(-1, within))
	s, u, err := sortedEigen(projectSym(p, betweenCov))
	if err != nil {
		return nil, err
	}
	var w mat.Dense
	w.Mul(u.Slice(0, dim, 0, out).T(), p)
	return &LDA{In: dim, Out: out, W: denseData(&w), Eigenvalues: s[:out]}, nil
}

// Apply writes W·x of the rows of x ([n, In]) into dst ([n, Out], allocated
// when nil) and returns it.
func (l *LDA) Apply(dst, x []float64) []float64 {
	n := len(x) / l.In
	if len(x) != n*l.In {
		panic("eval: LDA.Apply: data length is not a multiple of In")
	}
	if dst == nil {
		dst = make([]float64, n*l.Out)
	}
	for i := 0; i < n; i++ {
		matVec(dst[i*l.Out:(i+1)*l.Out], l.W, x[i*l.In:(i+1)*l.In])
	}
	return dst
}

// groupRows returns the row indices of each label, labels in ascending order.
func groupRows(labels []int) [][]int {
	by := map[int][]int{}
	for i, l := range labels {
		by[l] = append(by[l], i)
	}
	keys := make([]int, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([][]int, len(keys))
	for i, k := range keys {
		out[i] = by[k]
	}
	return out
}

// normalizingTransform is ivector-compute-lda's ComputeNormalizingTransform:
// P = diag(s^-1/2)·Uᵀ for covar = U diag(s) Uᵀ, eigenvalues sorted
// descending and floored at floor·s_max.
func normalizingTransform(covar *mat.SymDense, floor float64) (*mat.Dense, error) {
	s, u, err := sortedEigen(covar)
	if err != nil {
		return nil, err
	}
	if s[0] <= 0 {
		return nil, fmt.Errorf("eval: LDA: the covariance to normalise is zero or negative")
	}
	d, _ := covar.Dims()
	p := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		f := 1 / math.Sqrt(max(s[i], floor*s[0]))
		for j := 0; j < d; j++ {
			p.Set(i, j, f*u.At(j, i))
		}
	}
	return p, nil
}

// sortedEigen returns the eigenvalues of a, descending, and the matching
// eigenvectors as columns (Kaldi's Eig followed by SortSvd).
func sortedEigen(a *mat.SymDense) ([]float64, *mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, nil, fmt.Errorf("eval: eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	d := len(vals)
	idx := make([]int, d)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	s := make([]float64, d)
	u := mat.NewDense(d, d, nil)
	for k, i := range idx {
		s[k] = vals[i]
		for r := 0; r < d; r++ {
			u.Set(r, k, vecs.At(r, i))
		}
	}
	return s, u, nil
}

// projectSym returns P·A·Pᵀ, symmetrised against rounding.
func projectSym(p mat.Matrix, a *mat.SymDense) *mat.SymDense {
	var t, r mat.Dense
	t.Mul(p, a)
	r.Mul(&t, p.T())
	d, _ := r.Dims()
	out := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			out.SetSym(i, j, (r.At(i, j)+r.At(j, i))/2)
		}
	}
	return out
}

func scaledSym(f float64, a *mat.SymDense) *mat.SymDense {
	var out mat.SymDense
	out.ScaleSym(f, a)
	return &out
}

// denseData copies m into a row-major slice.
func denseData(m mat.Matrix) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

// matVec writes a·x into dst for a row-major a: [len(dst), len(x)].
func matVec(dst, a, x []float64) {
	c := len(x)
	for i := range dst {
		var s float64
		for j, v := range a[i*c : (i+1)*c] {
			s += v * x[j]
		}
		dst[i] = s
	}
}
