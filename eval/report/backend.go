package report

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// BackendConfig selects the scoring back-end of score, cluster and eval.
type BackendConfig struct {
	// Kind is cosine (no trained back-end; the default), norm or plda.
	Kind eval.BackendKind
	// Train is an embeddings directory with utt2spk to train the back-end
	// on; Model a back-end file, read when Train is empty and written
	// after training otherwise.
	Train, Model string
	// LDADim is the LDA dimension of the plda back-end (0: min(dim,
	// speakers-1); negative: no LDA).
	LDADim int
}

// Trained reports whether a trained back-end is selected.
func (c BackendConfig) Trained() bool {
	return c.Kind != "" && c.Kind != eval.BackendCosine
}

// LoadBackend trains or reads the back-end c selects, or returns nil for
// none. Training notes go to log (nil for none).
func LoadBackend(c BackendConfig, log io.Writer) (*eval.Backend, error) {
	if !c.Trained() {
		return nil, nil
	}
	if c.Train == "" {
		if c.Model == "" {
			return nil, fmt.Errorf("report: the %s back-end needs a training set or a back-end file", c.Kind)
		}
		b, _, err := eval.ReadBackend(c.Model)
		if err != nil {
			return nil, err
		}
		if b.Kind != c.Kind {
			return nil, errs.BadData("report: back-end %s is a %s back-end, not %s", c.Model, b.Kind, c.Kind)
		}
		return b, nil
	}
	set, err := LoadSet(c.Train, "")
	if err != nil {
		return nil, err
	}
	labels, names, ok := Speakers(set)
	if !ok {
		return nil, errs.BadData("report: back-end training set %s needs the speaker of every utterance (%s)", c.Train, vecio.Utt2SpkFile)
	}
	x, dim, err := Vectors(set, eval.Cosine, c.Train)
	if err != nil {
		return nil, err
	}
	if log != nil {
		fmt.Fprintf(log, "training the %s back-end on %s (%d utterances, %d speakers)\n", c.Kind, c.Train, set.Len(), len(names))
	}
	b, err := eval.FitBackend(c.Kind, x, dim, labels, eval.BackendOptions{LDADim: c.LDADim})
	if err != nil {
		return nil, errs.BadData("report: back-end training set %s: %v", c.Train, err)
	}
	if c.Model != "" {
		on := eval.TrainingSet{Dir: c.Train, Utterances: set.Len(), Speakers: len(names)}
		if err := eval.WriteBackend(c.Model, b, on); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// space is a set of vectors as the scoring sees them: raw rows compared by
// a metric, or rows projected by a trained back-end; with a cohort the
// verification scores (score, pairTrials, scorer) are AS-normed, the
// clustering distances (pdist) are not.
type space struct {
	x    []float32 // [n, dim]
	dim  int
	m    eval.Metric
	be   *eval.Backend
	y    []float64    // x projected by be: [n, be.OutDim()]
	norm *eval.Scorer // AS-norm scorer of x (nil: none)
}

// newSpace projects x by be (nil: none) and AS-norms its scores against coh
// (nil: none); dir names the embeddings in errors.
func newSpace(x []float32, dim int, m eval.Metric, be *eval.Backend, coh *cohort, dir string) (*space, error) {
	s := &space{x: x, dim: dim, m: m, be: be}
	if coh != nil {
		s.norm = coh.scorer(x, dim, m, be)
	}
	if be == nil {
		return s, nil
	}
	if be.Dim != dim {
		return nil, errs.BadData("report: the back-end has dimension %d, the embeddings %s %d", be.Dim, dir, dim)
	}
	s.y = be.Project(x)
	return s, nil
}

// name says how the space scores: the metric, or the back-end.
func (s *space) name() string {
	if s.be == nil {
		return s.m.String()
	}
	return string(s.be.Kind)
}

// scoreName says how the verification scores are made: name, and AS-norm.
func (s *space) scoreName() string {
	if s.norm != nil {
		return s.name() + " + AS-norm"
	}
	return s.name()
}

// pdist is the condensed distance matrix (never AS-normed).
func (s *space) pdist() []float64 {
	if s.be == nil {
		return eval.Pdist(s.x, s.dim, s.m)
	}
	return s.be.Pdist(s.y)
}

// score is the similarity of rows i and j, AS-normed with a cohort.
func (s *space) score(i, j int) float64 {
	if s.norm != nil {
		return s.norm.Score(i, j)
	}
	if s.be == nil {
		d := s.dim
		return eval.DistanceToScore(s.m, s.m.Distance(s.x[i*d:(i+1)*d], s.x[j*d:(j+1)*d]))
	}
	d := s.be.OutDim()
	return s.be.Similarity(s.y[i*d:(i+1)*d], s.y[j*d:(j+1)*d])
}

// scorer returns a trial scorer over the rows.
func (s *space) scorer() *eval.Scorer {
	if s.norm != nil {
		return s.norm
	}
	return &eval.Scorer{Metric: s.m, Emb: s.x, Dim: s.dim, Backend: s.be}
}

// pairTrials returns scores and labels of all pairs of rows, or of maxPairs
// pairs drawn at random (fixed seed) when there are more, and the labels of
// each pair's two rows (for the speaker bootstrap).
func (s *space) pairTrials(labels []int, maxPairs int) (scores []float64, same []bool, la, lb []int) {
	n := len(labels)
	if maxPairs <= 0 || n*(n-1)/2 <= maxPairs {
		switch {
		case s.norm != nil:
			scores, same = s.norm.PairScores(labels)
		case s.be != nil:
			scores, same = s.be.PairScores(s.y, labels)
		default:
			scores, same = eval.PairScores(s.x, s.dim, labels, s.m)
		}
		la, lb = make([]int, 0, len(scores)), make([]int, 0, len(scores))
		for i := range n { // the pair order of PairScores: i < j, row-major
			for j := i + 1; j < n; j++ {
				la, lb = append(la, labels[i]), append(lb, labels[j])
			}
		}
		return scores, same, la, lb
	}
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	scores, same = make([]float64, 0, maxPairs), make([]bool, 0, maxPairs)
	la, lb = make([]int, 0, maxPairs), make([]int, 0, maxPairs)
	for len(scores) < maxPairs {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		scores = append(scores, s.score(i, j))
		same = append(same, labels[i] == labels[j])
		la, lb = append(la, labels[i]), append(lb, labels[j])
	}
	return scores, same, la, lb
}
