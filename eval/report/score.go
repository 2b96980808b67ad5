package report

import (
	"fmt"
	"io"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// ScoreConfig selects the embeddings, the trials and the scoring.
type ScoreConfig struct {
	Embeddings string
	Trials     string
	Metric     eval.Metric
	// ASNorm normalises the scores against a cohort (default none).
	ASNorm ASNormConfig
	// MeanSubtract removes the mean of the cohort (or, without one, of the
	// scored set) before cosine/Euclidean scoring; not with a trained
	// back-end, which subtracts its training-set mean itself.
	MeanSubtract bool
	// Backend scores the trials (default none: Metric on the raw
	// embeddings); AS-norm then normalises the back-end's scores.
	Backend BackendConfig
	// Bootstrap is the number of speaker resamples of the 95% intervals
	// (0: eval.BootstrapB, negative: none; see Config.Bootstrap).
	Bootstrap int
}

// ScoreResult holds the scored trials and, when the trials are labelled,
// the detection metrics.
type ScoreResult struct {
	Trials   int      `json:"trials"`
	Targets  int      `json:"targets"`
	Metric   string   `json:"metric"`
	Backend  string   `json:"backend,omitempty"` // norm or plda when a trained back-end scored
	ASNorm   bool     `json:"as_norm"`
	EER      *float64 `json:"eer,omitempty"`
	EERThr   *float64 `json:"eer_threshold,omitempty"`
	MinDCF01 *float64 `json:"min_dcf_p0.01,omitempty"`
	MinDCF05 *float64 `json:"min_dcf_p0.05,omitempty"`
	// Bootstrap holds the 95% intervals over speakers when the embeddings'
	// utt2spk names the speakers of every labelled trial.
	Bootstrap *eval.BootstrapResult `json:"bootstrap,omitempty"`
	Scored    []eval.Scored         `json:"-"`
}

// Score scores a trial list.
func Score(cfg ScoreConfig) (*ScoreResult, error) {
	set, err := LoadSet(cfg.Embeddings, "")
	if err != nil {
		return nil, err
	}
	x, dim, err := Vectors(set, cfg.Metric, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	trials, err := eval.ReadTrials(cfg.Trials)
	if err != nil {
		return nil, err
	}
	if cfg.MeanSubtract && cfg.Backend.Trained() {
		return nil, fmt.Errorf("report: mean subtraction is part of the %s back-end; do not ask for both", cfg.Backend.Kind)
	}
	coh, err := loadCohort(cfg.ASNorm, cfg.Metric, dim, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	be, err := LoadBackend(cfg.Backend, nil)
	if err != nil {
		return nil, err
	}
	if be != nil && be.Dim != dim {
		return nil, errs.BadData("report: the back-end has dimension %d, the embeddings %s %d", be.Dim, cfg.Embeddings, dim)
	}
	sc := coh.scorer(x, dim, cfg.Metric, be)
	if cfg.MeanSubtract {
		src := x
		if sc.Cohort != nil {
			src = sc.Cohort
		}
		sc.Mean = eval.MeanOf(src, dim)
	}
	scored, err := sc.ScoreTrials(trials, eval.NewResolver(set.IDs))
	if err != nil {
		return nil, fmt.Errorf("%w (trials %s, embeddings %s)", err, cfg.Trials, cfg.Embeddings)
	}
	r := &ScoreResult{Trials: len(scored), Metric: cfg.Metric.String(), ASNorm: sc.Cohort != nil, Scored: scored}
	if be != nil {
		r.Backend, r.Metric = string(be.Kind), string(be.Kind)
	}
	scores, target := eval.Labelled(scored)
	for _, t := range target {
		if t {
			r.Targets++
		}
	}
	if bothClasses(target) == nil {
		eer, thr := eval.EER(scores, target)
		d1, _ := eval.MinDCF(scores, target, eval.DCF01)
		d5, _ := eval.MinDCF(scores, target, eval.DCF05)
		r.EER, r.EERThr, r.MinDCF01, r.MinDCF05 = &eer, &thr, &d1, &d5
		a, b := trialSpeakers(scored, set.Utt2Spk)
		r.Bootstrap = bootstrap(cfg.Bootstrap, scores, target, a, b)
	}
	return r, nil
}

// WriteScores writes "utt1 utt2 score [target|nontarget]" lines, the
// Kaldi/WeSpeaker score layout.
func (r *ScoreResult) WriteScores(w io.Writer) error {
	for _, s := range r.Scored {
		lab := ""
		switch s.Target {
		case 1:
			lab = " target"
		case 0:
			lab = " nontarget"
		}
		if _, err := fmt.Fprintf(w, "%s %s %.6f%s\n", s.Enroll, s.Test, s.Score, lab); err != nil {
			return err
		}
	}
	return nil
}
