package report

import (
	"fmt"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// ASNormConfig selects adaptive s-norm (AS-norm) of the trial scores of
// score and eval: each score is normalised by the mean and standard
// deviation of the TopK highest scores of either side against a cohort,
// the two z-scores averaged (eval.Scorer.Score). The cohort is scored as
// the trials are, by the metric or through the same back-end.
type ASNormConfig struct {
	// Cohort is an embeddings directory, as a rule the training speakers'
	// embeddings the back-end is trained on ("" for no AS-norm).
	Cohort string
	// TopK is the number of cohort scores kept per side (0: all of them);
	// more than the cohort holds keeps all of it (as WeSpeaker's top-n
	// slice does), and the report gives the number used.
	TopK int
}

// On reports whether AS-norm is selected.
func (c ASNormConfig) On() bool { return c.Cohort != "" }

// ASNormReport says how the verification scores were normalised.
type ASNormReport struct {
	Cohort     string `json:"cohort"`
	Utterances int    `json:"utterances"`
	TopK       int    `json:"top_k"` // cohort scores kept per side (0: all; at most the cohort's size)
}

// String is "cohort DIR (N utterances), top K per side" (K "all" for 0).
func (a ASNormReport) String() string {
	k := fmt.Sprint(a.TopK)
	if a.TopK == 0 {
		k = "all"
	}
	return fmt.Sprintf("cohort %s (%d utterances), top %s per side", a.Cohort, a.Utterances, k)
}

// cohort is a loaded AS-norm cohort: rows [n, dim] of the vectors the
// metric compares.
type cohort struct {
	ASNormReport
	x []float32
}

// loadCohort reads the cohort c selects (nil when none) and checks it
// against the scored embeddings (dimension dim, directory dir): an empty
// cohort and a dimension mismatch are data errors and a negative TopK a usage
// error, each naming the cohort directory; a TopK above the cohort's size
// becomes its size.
func loadCohort(c ASNormConfig, m eval.Metric, dim int, dir string) (*cohort, error) {
	if !c.On() {
		return nil, nil
	}
	if c.TopK < 0 {
		return nil, errs.Usage("report: AS-norm top-k %d is negative (0 keeps the whole cohort)", c.TopK)
	}
	set, err := LoadSet(c.Cohort, "")
	if err != nil {
		return nil, fmt.Errorf("report: AS-norm cohort: %w", err)
	}
	if set.Len() == 0 {
		return nil, errs.BadData("report: AS-norm cohort %s holds no embeddings", c.Cohort)
	}
	x, cdim, err := Vectors(set, m, c.Cohort)
	if err != nil {
		return nil, err
	}
	if cdim != dim {
		return nil, errs.BadData("report: AS-norm cohort %s has dimension %d, the embeddings %s %d", c.Cohort, cdim, dir, dim)
	}
	if c.TopK > set.Len() {
		c.TopK = set.Len()
	}
	return &cohort{ASNormReport: ASNormReport{Cohort: c.Cohort, Utterances: set.Len(), TopK: c.TopK}, x: x}, nil
}

// scorer returns a Scorer of x ([n, dim]) by metric m or back-end be (nil:
// none), with AS-norm against the cohort when c is non-nil.
func (c *cohort) scorer(x []float32, dim int, m eval.Metric, be *eval.Backend) *eval.Scorer {
	s := &eval.Scorer{Metric: m, Emb: x, Dim: dim, Backend: be}
	if c != nil {
		s.Cohort, s.TopK = c.x, c.TopK
	}
	return s
}
