package eval

import (
	"fmt"
	"math"
	"sort"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Scorer scores pairs of embeddings (rows of Emb, row-major [n, Dim]).
type Scorer struct {
	Metric Metric
	Emb    []float32
	Dim    int
	// Mean, when non-nil, is subtracted from every vector (embedding or
	// cohort) before cosine or Euclidean scoring; not used for SymKL.
	Mean []float64
	// Cohort, row-major [c, Dim], enables adaptive s-norm (AS-norm) with
	// the TopK highest cohort scores of each side (all when TopK <= 0).
	Cohort []float32
	TopK   int
	// Backend, when non-nil, replaces Metric and Mean: embeddings and
	// cohort are projected by it once and scored by its Similarity (cosine
	// after mean subtraction and length normalisation, or the PLDA LLR).
	Backend *Backend

	stats  map[int][2]float64 // row -> (mean, std) of its top-k cohort scores
	cache  []float32          // mean-subtracted Emb
	ccache []float32          // mean-subtracted Cohort
	bcache []float64          // Emb projected by Backend
	bcoh   []float64          // Cohort projected by Backend
}

// MeanOf returns the column mean of x, row-major [n, dim].
func MeanOf(x []float32, dim int) []float64 {
	m := make([]float64, dim)
	n := len(x) / dim
	for i := 0; i < n; i++ {
		for j := range dim {
			m[j] += float64(x[i*dim+j])
		}
	}
	for j := range m {
		m[j] /= float64(n)
	}
	return m
}

func (s *Scorer) prepared() ([]float32, []float32) {
	if s.cache == nil {
		s.cache, s.ccache = s.Emb, s.Cohort
		if s.Mean != nil && s.Metric != SymKL {
			s.cache, s.ccache = subtract(s.Emb, s.Mean), subtract(s.Cohort, s.Mean)
		}
	}
	return s.cache, s.ccache
}

func subtract(x []float32, mean []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v) - mean[i%len(mean)])
	}
	return out
}

// projected returns Emb and Cohort projected by the Backend.
func (s *Scorer) projected() ([]float64, []float64) {
	if s.bcache == nil {
		s.bcache = s.Backend.Project(s.Emb)
		s.bcoh = s.Backend.Project(s.Cohort)
	}
	return s.bcache, s.bcoh
}

// pair is the un-normalised score of row i of Emb against row j of Emb, or
// of the Cohort when cohort is set.
func (s *Scorer) pair(i, j int, cohort bool) float64 {
	if s.Backend != nil {
		e, c := s.projected()
		d := s.Backend.OutDim()
		if cohort {
			return s.Backend.Similarity(e[i*d:(i+1)*d], c[j*d:(j+1)*d])
		}
		return s.Backend.Similarity(e[i*d:(i+1)*d], e[j*d:(j+1)*d])
	}
	e, c := s.prepared()
	d := s.Dim
	if !cohort {
		c = e
	}
	return DistanceToScore(s.Metric, s.Metric.Distance(e[i*d:(i+1)*d], c[j*d:(j+1)*d]))
}

// raw is the un-normalised score of row i against row j.
func (s *Scorer) raw(i, j int) float64 { return s.pair(i, j, false) }

// Score returns the score of rows i and j: the metric's similarity, then
// AS-norm when a cohort is set, 0.5·((s-μ_i)/σ_i + (s-μ_j)/σ_j) with μ, σ
// the mean and standard deviation (population) of each side's top-k cohort
// scores (Matějka et al. 2017, as in WeSpeaker's score_norm).
func (s *Scorer) Score(i, j int) float64 {
	v := s.raw(i, j)
	if len(s.Cohort) == 0 {
		return v
	}
	a, b := s.cohortStats(i), s.cohortStats(j)
	return 0.5 * ((v-a[0])/a[1] + (v-b[0])/b[1])
}

// PairScores is PairScores for the rows of Emb scored by s (the back-end,
// then AS-norm when a cohort is set): the Score of every pair i < j in
// condensed order and whether their labels agree.
func (s *Scorer) PairScores(labels []int) (scores []float64, same []bool) {
	n := len(labels)
	if len(s.Emb) != n*s.Dim {
		panic("eval: Scorer.PairScores: data does not match labels")
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			scores = append(scores, s.Score(i, j))
			same = append(same, labels[i] == labels[j])
		}
	}
	return scores, same
}

func (s *Scorer) cohortStats(i int) [2]float64 {
	if st, ok := s.stats[i]; ok {
		return st
	}
	if s.stats == nil {
		s.stats = map[int][2]float64{}
	}
	n := len(s.Cohort) / s.Dim
	sc := make([]float64, n)
	for k := range n {
		sc[k] = s.pair(i, k, true)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sc)))
	if s.TopK > 0 && s.TopK < n {
		sc = sc[:s.TopK]
	}
	var mu, v float64
	for _, x := range sc {
		mu += x
	}
	mu /= float64(len(sc))
	for _, x := range sc {
		v += (x - mu) * (x - mu)
	}
	sd := math.Sqrt(v / float64(len(sc)))
	if sd == 0 {
		sd = 1
	}
	s.stats[i] = [2]float64{mu, sd}
	return s.stats[i]
}

// Scored is a trial with its score.
type Scored struct {
	Trial
	Score float64
}

// ScoreTrials scores every trial whose two utterances resolve to rows;
// missing utterances are an error listing the first few.
func (s *Scorer) ScoreTrials(trials []Trial, r Resolver) ([]Scored, error) {
	out := make([]Scored, 0, len(trials))
	var missing []string
	for _, t := range trials {
		i, ok1 := r.Lookup(t.Enroll)
		j, ok2 := r.Lookup(t.Test)
		if !ok1 || !ok2 {
			if len(missing) < 5 {
				missing = append(missing, fmt.Sprintf("%s %s", t.Enroll, t.Test))
			}
			continue
		}
		out = append(out, Scored{Trial: t, Score: s.Score(i, j)})
	}
	if len(missing) > 0 {
		return nil, errs.BadData("eval: %d of %d trials name utterances without embeddings, e.g. %q", len(trials)-len(out), len(trials), missing)
	}
	return out, nil
}

// Labelled splits scored trials with known labels into scores and targets.
func Labelled(sc []Scored) (scores []float64, target []bool) {
	for _, t := range sc {
		if t.Target >= 0 {
			scores = append(scores, t.Score)
			target = append(target, t.Target == 1)
		}
	}
	return scores, target
}
