package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

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

	trials string    // the trial list, read again by WriteScores for the names as written
	scores []float64 // the score of each trial of the list, in its order
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
	r := &ScoreResult{Metric: cfg.Metric.String(), ASNorm: sc.Cohort != nil, trials: cfg.Trials}
	if be != nil {
		r.Backend, r.Metric = string(be.Kind), string(be.Kind)
	}
	lab, err := r.scoreList(sc, set.IDs, set.Utt2Spk)
	if err != nil {
		return nil, fmt.Errorf("%w (trials %s, embeddings %s)", err, cfg.Trials, cfg.Embeddings)
	}
	r.Trials, r.Targets = len(r.scores), lab.targets
	if bothClasses(lab.target) == nil {
		eer, thr, d1, d5 := eval.DetectionMetrics(lab.scores, lab.target)
		r.EER, r.EERThr, r.MinDCF01, r.MinDCF05 = &eer, &thr, &d1, &d5
		r.Bootstrap = bootstrap(cfg.Bootstrap, lab.scores, lab.target, lab.spkA, lab.spkB)
	}
	return r, nil
}

// labelled are the scores of the labelled trials, in list order, with
// their labels and the speakers of their two sides (numbered in order of
// first appearance, A before B; nil when utt2spk lacks one of them).
type labelled struct {
	scores     []float64
	target     []bool
	spkA, spkB []int
	targets    int
}

// scoreList scores every trial of r.trials in one streaming pass, keeping
// only the scores (r.scores) and the labelled trials' scores, labels and
// speakers: 8 bytes a trial, 33 a labelled one, whatever the length of the
// names. A trial naming an utterance without an embedding is an error
// listing the first few, as eval.Scorer.ScoreTrials gives.
func (r *ScoreResult) scoreList(sc *eval.Scorer, ids []string, utt2spk map[string]string) (*labelled, error) {
	res := eval.NewResolver(ids)
	spkOf := speakerNumbers(ids, utt2spk)
	lab := &labelled{}
	withSpk := utt2spk != nil
	var missing []string
	nMissing := 0
	err := eval.ScanTrials(r.trials, func(t eval.Trial) error {
		i, ok1 := res.Lookup(t.Enroll)
		j, ok2 := res.Lookup(t.Test)
		if !ok1 || !ok2 {
			if nMissing++; len(missing) < 5 {
				missing = append(missing, fmt.Sprintf("%s %s", t.Enroll, t.Test))
			}
			return nil
		}
		s := sc.Score(i, j)
		r.scores = append(r.scores, s)
		if t.Target < 0 {
			return nil
		}
		lab.scores, lab.target = append(lab.scores, s), append(lab.target, t.Target == 1)
		if t.Target == 1 {
			lab.targets++
		}
		if withSpk {
			a, b := spkOf(i), spkOf(j)
			withSpk = a >= 0 && b >= 0
			lab.spkA, lab.spkB = append(lab.spkA, a), append(lab.spkB, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if nMissing > 0 {
		return nil, errs.BadData("eval: %d of %d trials name utterances without embeddings, e.g. %q", nMissing, nMissing+len(r.scores), missing)
	}
	if !withSpk {
		lab.spkA, lab.spkB = nil, nil
	}
	return lab, nil
}

// speakerNumbers returns the number of row i's speaker: the speakers are
// numbered 0, 1, ... as the calls first meet them; -1 when utt2spk does not
// name it.
func speakerNumbers(ids []string, utt2spk map[string]string) func(i int) int {
	num := map[string]int{}
	return func(i int) int {
		s, ok := utt2spk[ids[i]]
		if !ok {
			return -1
		}
		k, seen := num[s]
		if !seen {
			k = len(num)
			num[s] = k
		}
		return k
	}
}

// WriteScores writes "utt1 utt2 score [target|nontarget]" lines, the
// Kaldi/WeSpeaker score layout, one per trial of the list in its order,
// the names as the list writes them: it reads the trial list again
// (streaming) rather than keep its names, and buffers its writes.
func (r *ScoreResult) WriteScores(out io.Writer) error {
	w := bufio.NewWriterSize(out, 64<<10)
	k := 0
	var buf []byte
	err := eval.ScanTrials(r.trials, func(t eval.Trial) error {
		if k >= len(r.scores) {
			return fmt.Errorf("report: trials %s: more trials than were scored (%d): changed since?", r.trials, len(r.scores))
		}
		buf = append(buf[:0], t.Enroll...)
		buf = append(buf, ' ')
		buf = append(buf, t.Test...)
		buf = append(buf, ' ')
		buf = strconv.AppendFloat(buf, r.scores[k], 'f', 6, 64)
		switch t.Target {
		case 1:
			buf = append(buf, " target"...)
		case 0:
			buf = append(buf, " nontarget"...)
		}
		buf = append(buf, '\n')
		k++
		_, err := w.Write(buf)
		return err
	})
	if err == nil && k != len(r.scores) {
		err = fmt.Errorf("report: trials %s: %d trials, %d scored: changed since?", r.trials, k, len(r.scores))
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
