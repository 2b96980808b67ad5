package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PLDA is a two-covariance PLDA model in Kaldi's form (ivector/plda.h): the
// affine map u = Transform·(x - Mean) makes the within-class covariance
// unit and the between-class covariance diagonal, Psi.
type PLDA struct {
	Dim       int       `json:"dim"`
	Mean      []float64 `json:"mean"`      // [Dim], mean of the speaker means
	Transform []float64 `json:"transform"` // [Dim, Dim] row-major
	Psi       []float64 `json:"psi"`       // [Dim], between-class variances, descending
}

// PLDAOptions are the options of ivector-compute-plda.
type PLDAOptions struct {
	// Iterations of EM; 0 means Kaldi's default 10.
	Iterations int
}

// FitPLDA estimates a two-covariance PLDA from the rows of x ([n, dim]
// row-major) with speaker labels, as Kaldi's ivector-compute-plda does:
// within- and between-class covariances start at the identity and are
// re-estimated by EM (PldaEstimator: the within-class scatter around each
// speaker mean plus, per speaker of n utterances with centred mean m, the
// posterior of m = x + y, x ~ N(0, B), y ~ N(0, W/n)); then W is made unit
// by its inverse Cholesky factor C, CBCᵀ = U diag(ψ) Uᵀ (ψ floored at 0,
// descending) and Transform = Uᵀ·C. Each speaker counts once (weight 1).
func FitPLDA(x []float64, dim int, labels []int, opts PLDAOptions) (*PLDA, error) {
	n := len(labels)
	if dim <= 0 || len(x) != n*dim {
		panic("eval: FitPLDA: data does not match labels")
	}
	iters := opts.Iterations
	if iters == 0 {
		iters = 10
	}
	st := newPLDAStats(x, dim, groupRows(labels))
	if st.examples-len(st.means) <= 0 {
		return nil, fmt.Errorf("eval: PLDA needs more utterances than speakers (%d utterances, %d speakers)", st.examples, len(st.means))
	}
	within, between := identitySym(dim), identitySym(dim)
	for it := 0; it < iters; it++ {
		var err error
		if within, between, err = st.emStep(within, between); err != nil {
			return nil, fmt.Errorf("eval: PLDA iteration %d: %w", it+1, err)
		}
	}
	return st.output(within, between)
}

// pldaStats are Kaldi's PldaStats with unit weights.
type pldaStats struct {
	dim      int
	means    [][]float64 // speaker means
	counts   []int       // utterances per speaker
	examples int
	mean     []float64     // mean of the speaker means
	scatter  *mat.SymDense // Σ_s Σ_i (x_i - m_s)(x_i - m_s)ᵀ
}

func newPLDAStats(x []float64, dim int, groups [][]int) *pldaStats {
	st := &pldaStats{dim: dim, mean: make([]float64, dim), scatter: mat.NewSymDense(dim, nil)}
	for _, rows := range groups {
		m := make([]float64, dim)
		for _, r := range rows {
			for j, v := range x[r*dim : (r+1)*dim] {
				m[j] += v / float64(len(rows))
			}
		}
		d := make([]float64, dim)
		for _, r := range rows {
			for j, v := range x[r*dim : (r+1)*dim] {
				d[j] = v - m[j]
			}
			st.scatter.SymRankOne(st.scatter, 1, mat.NewVecDense(dim, d))
		}
		st.means, st.counts = append(st.means, m), append(st.counts, len(rows))
		st.examples += len(rows)
		for j, v := range m {
			st.mean[j] += v
		}
	}
	for j := range st.mean {
		st.mean[j] /= float64(len(groups))
	}
	return st
}

// emStep is PldaEstimator::EstimateOneIter.
func (st *pldaStats) emStep(within, between *mat.SymDense) (*mat.SymDense, *mat.SymDense, error) {
	d := st.dim
	wInv, err := invSym(within)
	if err != nil {
		return nil, nil, fmt.Errorf("within-class covariance: %w", err)
	}
	bInv, err := invSym(between)
	if err != nil {
		return nil, nil, fmt.Errorf("between-class covariance: %w", err)
	}
	wStats, bStats := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
	wStats.CopySym(st.scatter)
	wCount := float64(st.examples - len(st.means))
	mixed := map[int]*mat.SymDense{} // n -> (B⁻¹ + n·W⁻¹)⁻¹
	for s, mean := range st.means {
		n := st.counts[s]
		mv, ok := mixed[n]
		if !ok {
			sum := mat.NewSymDense(d, nil)
			sum.AddSym(bInv, scaledSym(float64(n), wInv))
			if mv, err = invSym(sum); err != nil {
				return nil, nil, fmt.Errorf("(B⁻¹ + %d W⁻¹): %w", n, err)
			}
			mixed[n] = mv
		}
		m := make([]float64, d)
		for j := range m {
			m[j] = mean[j] - st.mean[j]
		}
		var tmp, w mat.VecDense
		tmp.MulVec(wInv, mat.NewVecDense(d, m))
		tmp.ScaleVec(float64(n), &tmp)
		w.MulVec(mv, &tmp)
		mw := mat.NewVecDense(d, nil)
		mw.SubVec(mat.NewVecDense(d, m), &w)
		bStats.AddSym(bStats, mv)
		bStats.SymRankOne(bStats, 1, &w)
		wStats.AddSym(wStats, scaledSym(float64(n), mv))
		wStats.SymRankOne(wStats, float64(n), mw)
		wCount++
	}
	wStats.ScaleSym(1/wCount, wStats)
	bStats.ScaleSym(1/float64(len(st.means)), bStats)
	return wStats, bStats, nil
}

// output is PldaEstimator::GetOutput.
func (st *pldaStats) output(within, between *mat.SymDense) (*PLDA, error) {
	d := st.dim
	var chol mat.Cholesky
	if !chol.Factorize(within) {
		return nil, fmt.Errorf("eval: PLDA: the within-class covariance is singular (%d utterances of %d speakers for %d dimensions; reduce the dimension with LDA)", st.examples, len(st.means), d)
	}
	var l mat.TriDense
	chol.LTo(&l)
	var c mat.TriDense
	if err := c.InverseTri(&l); err != nil {
		return nil, fmt.Errorf("eval: PLDA: inverting the Cholesky factor: %w", err)
	}
	psi, u, err := sortedEigen(projectSym(&c, between))
	if err != nil {
		return nil, fmt.Errorf("eval: PLDA: %w", err)
	}
	for i, v := range psi {
		psi[i] = max(v, 0)
	}
	var t mat.Dense
	t.Mul(u.T(), &c)
	return &PLDA{Dim: d, Mean: st.mean, Transform: denseData(&t), Psi: psi}, nil
}

// TransformVector is Kaldi's Plda::TransformIvector with normalize_length
// true and simple_length_norm false: u = Transform·(x - Mean), scaled so
// that uᵀ(Ψ + I/n)⁻¹u = Dim, for an average of n utterances (n = 1 for a
// single enrolment or test utterance). It writes u into dst (allocated when
// nil) and returns it.
func (p *PLDA) TransformVector(dst, x []float64, n int) []float64 {
	if len(x) != p.Dim {
		panic("eval: PLDA.TransformVector: dimension mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.Dim)
	}
	c := make([]float64, p.Dim)
	for j := range c {
		c[j] = x[j] - p.Mean[j]
	}
	matVec(dst, p.Transform, c)
	var dot float64
	for i, u := range dst {
		dot += u * u / (p.Psi[i] + 1/float64(n))
	}
	if dot > 0 {
		f := math.Sqrt(float64(p.Dim) / dot)
		for i := range dst {
			dst[i] *= f
		}
	}
	return dst
}

// LLR is Kaldi's Plda::LogLikelihoodRatio of a test vector given an
// enrolment vector averaged over n utterances, both from TransformVector:
// log N(test; nΨ/(nΨ+I)·enroll, I + Ψ/(nΨ+I)) - log N(test; 0, I + Ψ).
func (p *PLDA) LLR(enroll []float64, n int, test []float64) float64 {
	var given, without float64
	fn := float64(n)
	for i, psi := range p.Psi {
		mean := fn * psi / (fn*psi + 1) * enroll[i]
		v := 1 + psi/(fn*psi+1)
		given += math.Log(v) + (test[i]-mean)*(test[i]-mean)/v
		without += math.Log(1+psi) + test[i]*test[i]/(1+psi)
	}
	return -0.5*given + 0.5*without
}

func identitySym(d int) *mat.SymDense {
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		s.SetSym(i, i, 1)
	}
	return s
}

// invSym inverts a symmetric positive definite matrix.
func invSym(a *mat.SymDense) (*mat.SymDense, error) {
	var chol mat.Cholesky
	if !chol.Factorize(a) {
		return nil, fmt.Errorf("not positive definite")
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, err
	}
	return &inv, nil
}
