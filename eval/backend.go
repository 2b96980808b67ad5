package eval

import (
	"fmt"
	"math"
)

// BackendKind names a scoring back-end.
type BackendKind string

const (
	// BackendCosine is no trained back-end: raw embeddings, scored by the
	// chosen Metric.
	BackendCosine BackendKind = "cosine"
	// BackendNorm subtracts the training-set mean and normalises each
	// embedding to unit length, then scores by cosine similarity
	// (WeSpeaker's mean subtraction and length normalisation).
	BackendNorm BackendKind = "norm"
	// BackendPLDA is Kaldi's x-vector back-end: training-set mean
	// subtraction, LDA, length normalisation to √dim
	// (ivector-normalize-length), two-covariance PLDA; the score is the
	// PLDA log-likelihood ratio of a single-enrolment trial.
	BackendPLDA BackendKind = "plda"
)

// ParseBackend accepts "cosine", "norm" and "plda".
func ParseBackend(s string) (BackendKind, error) {
	switch k := BackendKind(s); k {
	case BackendCosine, BackendNorm, BackendPLDA:
		return k, nil
	}
	return "", fmt.Errorf("eval: unknown back-end %q (want cosine, norm or plda)", s)
}

// Backend is a trained scoring back-end (BackendNorm or BackendPLDA).
// Project maps embeddings into its space once; Similarity and Distance
// compare projected rows.
type Backend struct {
	Kind BackendKind `json:"kind"`
	Dim  int         `json:"dim"`  // input embedding dimension
	Mean []float64   `json:"mean"` // [Dim], training-set mean
	LDA  *LDA        `json:"lda,omitempty"`
	PLDA *PLDA       `json:"plda,omitempty"`
}

// BackendOptions configure FitBackend.
type BackendOptions struct {
	// LDADim is the LDA output dimension of the PLDA back-end; 0 means
	// min(Dim, speakers - 1), negative means no LDA.
	LDADim int
	LDA    LDAOptions
	PLDA   PLDAOptions
}

// FitBackend trains a back-end of kind k on the training embeddings x
// ([n, dim] row-major) with their speaker labels: the mean for BackendNorm;
// the mean, LDA and PLDA for BackendPLDA (each fitted on the output of the
// steps before it, as in Kaldi's recipes).
func FitBackend(k BackendKind, x []float32, dim int, labels []int, opts BackendOptions) (*Backend, error) {
	if dim <= 0 || len(x) != len(labels)*dim {
		panic("eval: FitBackend: data does not match labels")
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("eval: back-end training set is empty")
	}
	b := &Backend{Kind: k, Dim: dim, Mean: MeanOf(x, dim)}
	switch k {
	case BackendNorm:
		return b, nil
	case BackendPLDA:
	default:
		return nil, fmt.Errorf("eval: no back-end to train for %q", k)
	}
	c := b.centre(x)
	if opts.LDADim >= 0 {
		out := opts.LDADim
		if out == 0 {
			out = min(dim, len(groupRows(labels))-1)
		}
		var err error
		if b.LDA, err = FitLDA(c, dim, labels, out, opts.LDA); err != nil {
			return nil, err
		}
		c = b.LDA.Apply(nil, c)
	}
	d := b.pldaDim()
	lengthNorm(c, d, math.Sqrt(float64(d)))
	var err error
	b.PLDA, err = FitPLDA(c, d, labels, opts.PLDA)
	return b, err
}

func (b *Backend) pldaDim() int {
	if b.LDA != nil {
		return b.LDA.Out
	}
	return b.Dim
}

// OutDim is the dimension of projected rows.
func (b *Backend) OutDim() int {
	if b.Kind == BackendPLDA {
		return b.pldaDim()
	}
	return b.Dim
}

// centre returns x - Mean in float64.
func (b *Backend) centre(x []float32) []float64 {
	c := make([]float64, len(x))
	for i, v := range x {
		c[i] = float64(v) - b.Mean[i%b.Dim]
	}
	return c
}

// lengthNorm scales every row of x ([n, d]) to length l (zero rows stay).
func lengthNorm(x []float64, d int, l float64) {
	for i := 0; i+d <= len(x); i += d {
		var s float64
		for _, v := range x[i : i+d] {
			s += v * v
		}
		if s > 0 {
			f := l / math.Sqrt(s)
			for j := i; j < i+d; j++ {
				x[j] *= f
			}
		}
	}
}

// Project maps the rows of x ([n, Dim]) into the back-end's space, [n,
// OutDim()]: mean-subtracted unit vectors (BackendNorm), or PLDA-space
// vectors after mean subtraction, LDA, length normalisation and
// TransformVector with n = 1 (BackendPLDA).
func (b *Backend) Project(x []float32) []float64 {
	if len(x)%b.Dim != 0 {
		panic("eval: Backend.Project: data length is not a multiple of Dim")
	}
	c := b.centre(x)
	if b.Kind == BackendNorm {
		lengthNorm(c, b.Dim, 1)
		return c
	}
	if b.LDA != nil {
		c = b.LDA.Apply(nil, c)
	}
	d := b.pldaDim()
	lengthNorm(c, d, math.Sqrt(float64(d)))
	for i := 0; i+d <= len(c); i += d {
		copy(c[i:i+d], b.PLDA.TransformVector(nil, c[i:i+d], 1))
	}
	return c
}

// Similarity of two projected rows: cosine similarity (BackendNorm: the
// dot product of unit vectors) or the PLDA LLR (BackendPLDA).
func (b *Backend) Similarity(u, v []float64) float64 {
	if b.Kind == BackendPLDA {
		return b.PLDA.LLR(u, 1, v)
	}
	var s float64
	for i := range u {
		s += u[i] * v[i]
	}
	return s
}

// Distance of two projected rows for clustering: the cosine distance
// 1 - similarity (BackendNorm), or for BackendPLDA the softplus of the
// negated LLR, log(1 + e^-LLR): the negative log posterior of "same
// speaker" at equal priors, positive, decreasing in the LLR and
// independent of the data set (so thresholds tuned on one set apply to
// another).
func (b *Backend) Distance(u, v []float64) float64 {
	s := b.Similarity(u, v)
	if b.Kind == BackendPLDA {
		return softplus(-s)
	}
	return 1 - s
}

// softplus is log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// Pdist is the condensed Distance matrix of projected rows y ([n, OutDim()])
// in Pdist order.
func (b *Backend) Pdist(y []float64) []float64 {
	d := b.OutDim()
	n := len(y) / d
	out := make([]float64, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			out = append(out, b.Distance(y[i*d:(i+1)*d], y[j*d:(j+1)*d]))
		}
	}
	return out
}

// PairScores is PairScores for projected rows: the Similarity of every pair
// i < j in condensed order and whether their labels agree.
func (b *Backend) PairScores(y []float64, labels []int) (scores []float64, same []bool) {
	d := b.OutDim()
	n := len(labels)
	if len(y) != n*d {
		panic("eval: Backend.PairScores: data does not match labels")
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			scores = append(scores, b.Similarity(y[i*d:(i+1)*d], y[j*d:(j+1)*d]))
			same = append(same, labels[i] == labels[j])
		}
	}
	return scores, same
}
