package eval

import (
	"math"
	"sort"
)

// rocPoint is one operating point: accept a trial when score >= Threshold.
type rocPoint struct {
	Threshold float64
	FPR, FNR  float64
}

// roc returns the operating points at every distinct score, from the
// highest threshold (+Inf: accept nothing, FPR 0, FNR 1) down to the lowest
// score (accept everything that is >= it).
func roc(scores []float64, target []bool) []rocPoint {
	if len(scores) != len(target) {
		panic("eval: scores and target lengths differ")
	}
	return rocWeighted(scoreOrder(scores), scores, target, nil, nil)
}

// scoreOrder returns the trial indices by descending score.
func scoreOrder(scores []float64) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx
}

// rocWeighted is roc over the trials in the descending order idx, trial i
// counting weight[i] times (every trial once when weight is nil); the
// points are appended to pts[:0]. A weight of 0 leaves the curve as without
// the trial (its point repeats the one before).
func rocWeighted(idx []int, scores []float64, target []bool, weight []float64, pts []rocPoint) []rocPoint {
	w := func(i int) float64 {
		if weight == nil {
			return 1
		}
		return weight[i]
	}
	var nt, nn float64
	for i, t := range target {
		if t {
			nt += w(i)
		} else {
			nn += w(i)
		}
	}
	pts = append(pts[:0], rocPoint{Threshold: math.Inf(1), FPR: 0, FNR: 1})
	var tp, fp float64
	for k, i := range idx {
		if target[i] {
			tp += w(i)
		} else {
			fp += w(i)
		}
		if k+1 < len(idx) && scores[idx[k+1]] == scores[i] {
			continue
		}
		pts = append(pts, rocPoint{Threshold: scores[i], FPR: fp / nn, FNR: 1 - tp/nt})
	}
	return pts
}

func checkTrials(target []bool) {
	var nt int
	for _, t := range target {
		if t {
			nt++
		}
	}
	if nt == 0 || nt == len(target) {
		panic("eval: need both target and non-target trials")
	}
}

// EER returns the equal error rate of the scores (higher = more likely a
// target) and the threshold where it occurs. The ROC is taken at every
// distinct score, as scikit-learn's roc_curve(drop_intermediate=False);
// between the two operating points where FNR - FPR changes sign the curve is
// linear, and the EER is the crossing of FPR and FNR on that segment (the
// same as brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1)). The
// threshold is interpolated at the same point of that segment (its finite
// end next to the +Inf start); scipy's interp1d(fpr, thresholds)(eer) agrees
// except on vertical segments, where its choice among equal FPR values is
// unspecified. Both classes must be present.
func EER(scores []float64, target []bool) (eer, threshold float64) {
	checkTrials(target)
	return eerOf(roc(scores, target))
}

// eerOf is the EER crossing of an ROC (see EER) and its threshold.
func eerOf(pts []rocPoint) (eer, threshold float64) {
	for k := 1; k < len(pts); k++ {
		a, b := pts[k-1], pts[k]
		if b.FNR > b.FPR {
			continue
		}
		// Crossing of a->b with the line FNR = FPR.
		da, db := a.FNR-a.FPR, b.FNR-b.FPR
		t := 0.0
		if da != db {
			t = da / (da - db)
		}
		eer = a.FPR + t*(b.FPR-a.FPR)
		if math.IsInf(a.Threshold, 1) {
			return eer, b.Threshold
		}
		return eer, a.Threshold + t*(b.Threshold-a.Threshold)
	}
	panic("eval: EER: no crossing") // unreachable: the last point has FNR 0
}

// EERKaldi returns the EER as Kaldi's compute-eer computes it: targets and
// non-targets sorted ascending, the threshold walks up the target scores
// until the target at position p scores above the non-target at position
// nN-1-floor(nN*p/nT); EER = p/nT and the threshold is that target score.
func EERKaldi(scores []float64, target []bool) (eer, threshold float64) {
	checkTrials(target)
	tar, non := splitSorted(scores, target)
	p := 0
	for ; p+1 < len(tar); p++ {
		nPos := len(non) - 1 - int(float64(len(non))*float64(p)/float64(len(tar)))
		if nPos < 0 {
			nPos = 0
		}
		if non[nPos] < tar[p] {
			break
		}
	}
	return float64(p) / float64(len(tar)), tar[p]
}

// splitSorted returns the target and the non-target scores, each sorted
// ascending.
func splitSorted(scores []float64, target []bool) (tar, non []float64) {
	for i, s := range scores {
		if target[i] {
			tar = append(tar, s)
		} else {
			non = append(non, s)
		}
	}
	sort.Float64s(tar)
	sort.Float64s(non)
	return tar, non
}

// DCF parameters of the NIST detection cost.
type DCF struct {
	PTarget    float64 // prior of a target trial, e.g. 0.01 or 0.05
	CMiss, CFA float64 // costs of a miss and of a false alarm (1, 1)
}

// The minDCF operating points voxsiam reports (score, eval, the report):
// P_target 0.01 and 0.05 with unit costs (NIST SRE, VoxSRC).
var (
	DCF01 = DCF{PTarget: 0.01, CMiss: 1, CFA: 1}
	DCF05 = DCF{PTarget: 0.05, CMiss: 1, CFA: 1}
)

// MinDCF returns the minimum normalised detection cost over all thresholds,
// min_t (CMiss·PMiss(t)·PTarget + CFA·PFA(t)·(1-PTarget)) divided by
// min(CMiss·PTarget, CFA·(1-PTarget)), as Kaldi's compute_min_dcf.py and
// the NIST SRE plans define it, and the threshold reaching it (accept
// score >= threshold). Both classes must be present.
func MinDCF(scores []float64, target []bool, p DCF) (minDCF, threshold float64) {
	checkTrials(target)
	return minDCFOf(roc(scores, target), p)
}

// minDCFOf is the normalised minimum detection cost of an ROC (see MinDCF)
// and the threshold reaching it.
func minDCFOf(pts []rocPoint, p DCF) (minDCF, threshold float64) {
	best := math.Inf(1)
	for _, pt := range pts {
		c := p.CMiss*pt.FNR*p.PTarget + p.CFA*pt.FPR*(1-p.PTarget)
		if c < best {
			best, threshold = c, pt.Threshold
		}
	}
	return best / min(p.CMiss*p.PTarget, p.CFA*(1-p.PTarget)), threshold
}

// DETPoint is one point of a detection error trade-off curve.
type DETPoint struct {
	Threshold float64 `json:"threshold"` // accept score >= Threshold
	PFA       float64 `json:"p_fa"`
	PMiss     float64 `json:"p_miss"`
}

// DET returns the DET curve at every distinct score threshold, from
// accept-nothing (PFA 0, PMiss 1) to accept-everything.
func DET(scores []float64, target []bool) []DETPoint {
	checkTrials(target)
	pts := roc(scores, target)
	out := make([]DETPoint, len(pts))
	for i, p := range pts {
		out[i] = DETPoint{Threshold: p.Threshold, PFA: p.FPR, PMiss: p.FNR}
	}
	return out
}

// DetectionMetrics returns what EER and MinDCF at DCF01 and DCF05 return
// (the EER, its threshold, the two minimum costs) from one sort of the
// scores and one scan of their ROC, holding no curve: for long trial
// lists (score of 10⁷ trials) in place of the three calls. Both classes
// must be present.
func DetectionMetrics(scores []float64, target []bool) (eer, threshold, minDCF01, minDCF05 float64) {
	checkTrials(target)
	if len(scores) != len(target) {
		panic("eval: scores and target lengths differ")
	}
	var nt, nn float64
	for _, t := range target {
		if t {
			nt++
		} else {
			nn++
		}
	}
	scan := newDetScan()
	var tp, fp float64
	idx := scoreOrder(scores)
	for k, i := range idx {
		if target[i] {
			tp++
		} else {
			fp++
		}
		if k+1 == len(idx) || scores[idx[k+1]] != scores[i] {
			scan.add(rocPoint{Threshold: scores[i], FPR: fp / nn, FNR: 1 - tp/nt})
		}
	}
	return scan.result()
}
