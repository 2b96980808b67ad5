package report

import (
	"math"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/plot"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// testScores returns the labelled scores of the trial list, or of all
// (sampled) pairs of utterances when there is none, and the speakers of
// each trial's two sides (nil when a trial's utterance has no speaker).
func testScores(cfg Config, set *vecio.Set, sp *space, labels []int) (src string, scores []float64, target []bool, spkA, spkB []int, err error) {
	if cfg.Trials == "" {
		src = "all pairs"
		if n := len(labels); n*(n-1)/2 > cfg.MaxPairs {
			src = "sampled pairs"
		}
		scores, target, spkA, spkB = sp.pairTrials(labels, cfg.MaxPairs)
		return src, scores, target, spkA, spkB, nil
	}
	trials, err := eval.ReadTrials(cfg.Trials)
	if err != nil {
		return "", nil, nil, nil, nil, err
	}
	scored, err := sp.scorer().ScoreTrials(trials, eval.NewResolver(set.IDs))
	if err != nil {
		return "", nil, nil, nil, nil, err
	}
	scores, target = eval.Labelled(scored)
	if len(scores) == 0 {
		return "", nil, nil, nil, nil, errs.BadData("report: trials %s have no target/nontarget labels", cfg.Trials)
	}
	spkA, spkB = trialSpeakers(scored, set.Utt2Spk)
	return cfg.Trials, scores, target, spkA, spkB, nil
}

func verifyReport(cfg Config, set *vecio.Set, sp *space, labels []int, dev *devResult, fig *figures) (*VerificationReport, error) {
	src, scores, target, spkA, spkB, err := testScores(cfg, set, sp, labels)
	if err != nil {
		return nil, err
	}
	if err := bothClasses(target); err != nil {
		return nil, errs.BadData("%v (%s)", err, src)
	}
	v := &VerificationReport{Source: src, Trials: len(scores)}
	for _, t := range target {
		if t {
			v.Targets++
		}
	}
	v.EER, v.EERThreshold = eval.EER(scores, target)
	v.EERKaldi, _ = eval.EERKaldi(scores, target)
	v.MinDCF01, v.MinDCF01Thresh = eval.MinDCF(scores, target, eval.DCF01)
	v.MinDCF05, v.MinDCF05Thresh = eval.MinDCF(scores, target, eval.DCF05)
	v.MinDCF01Thresh, v.MinDCF05Thresh = finite(v.MinDCF01Thresh), finite(v.MinDCF05Thresh)
	v.Bootstrap = bootstrap(cfg.Bootstrap, scores, target, spkA, spkB)
	var lines []plot.Threshold
	if dev != nil {
		v.Thresholds = append(v.Thresholds,
			ThresholdReport{"dev_accuracy", eval.Decide(scores, target, dev.accThreshold)},
			ThresholdReport{"dev_eer", eval.Decide(scores, target, dev.eerThreshold)})
		lines = append(lines, plot.Threshold{Name: "dev accuracy threshold", Value: dev.accThreshold},
			plot.Threshold{Name: "dev EER threshold", Value: dev.eerThreshold})
	}
	best, _ := eval.BestThreshold(scores, target)
	v.Thresholds = append(v.Thresholds, ThresholdReport{"oracle_accuracy", eval.Decide(scores, target, best)})
	lines = append(lines, plot.Threshold{Name: "oracle accuracy threshold", Value: best})
	det := eval.DET(scores, target)
	v.DET = thin(det, 200)
	if err := fig.verification(det, v.EER, scores, target, lines, sp.scoreName()); err != nil {
		return nil, err
	}
	return v, nil
}

// thin keeps at most max points of a DET curve (evenly spaced, ends kept)
// and drops the accept-nothing point, whose threshold is +Inf.
func thin(det []eval.DETPoint, max int) []eval.DETPoint {
	var out []eval.DETPoint
	step := math.Max(1, float64(len(det))/float64(max))
	for f := 0.0; int(f) < len(det); f += step {
		if p := det[int(f)]; !math.IsInf(p.Threshold, 0) {
			out = append(out, p)
		}
	}
	if last := det[len(det)-1]; len(out) == 0 || out[len(out)-1] != last {
		out = append(out, last)
	}
	return out
}
