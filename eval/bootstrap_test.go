package eval

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// bootstrapRef is the numpy/scikit-learn reference of one resample: the
// weights of the scheme (c_a for a target trial of speaker a, c_a·c_b for
// a non-target trial), the trial list repeated by them (np.repeat), EER as
// brentq(1 - x - interp1d(fpr, tpr)(x)) on roc_curve(drop_intermediate=
// False), minDCF as min(fnr·p + fpr·(1-p)) / min(p, 1-p); NaN when one
// class has no trial left. It reads {"a","b","s","counts"} as JSON on
// the file named by its argument and prints {"samples": [[eer, dcf01, dcf05] or nulls, ...], "ci": [lo, hi]}
// (numpy.percentile 2.5 and 97.5 of the EERs).
const bootstrapRef = `
import json, sys
import numpy as np
from sklearn.metrics import roc_curve
from scipy.optimize import brentq
from scipy.interpolate import interp1d
d = json.load(open(sys.argv[1]))
a, b, s = np.array(d["a"]), np.array(d["b"]), np.array(d["s"])
y = a == b
out = []
for c in d["counts"]:
    c = np.array(c)
    w = np.where(a == b, c[a], c[a] * c[b])
    yy, ss = np.repeat(y, w), np.repeat(s, w)
    if yy.all() or (~yy).all():
        out.append([None] * 3); continue
    fpr, tpr, _ = roc_curve(yy, ss, drop_intermediate=False)
    eer = brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1)
    fnr = 1 - tpr
    out.append([float(eer)] + [float(min(fnr * p + fpr * (1 - p)) / min(p, 1 - p)) for p in (0.01, 0.05)])
e = [r[0] for r in out if r[0] is not None]
print(json.dumps({"samples": out, "ci": [float(np.percentile(e, 2.5)), float(np.percentile(e, 97.5))]}))
`

// The stored example: 4 speakers, 18 trials (target iff the speakers agree).
var (
	bsA     = []int{0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 0, 1, 1, 2, 0, 2, 1, 0}
	bsB     = []int{0, 0, 1, 1, 2, 2, 3, 3, 1, 2, 3, 2, 3, 3, 1, 3, 3, 2}
	bsScore = []float64{.91, .72, .55, .80, .47, .66, .30, .75, .52, .20, .41, .58, .12, .35, .05, .62, .44, .33}
)

func bsTarget(a, b []int) []bool {
	t := make([]bool, len(a))
	for i := range a {
		t[i] = a[i] == b[i]
	}
	return t
}

func TestBootstrapSamplesStored(t *testing.T) {
	// Expected values from bootstrapRef (numpy 2, scikit-learn, scipy).
	nan := math.NaN()
	cases := []struct {
		counts            []int
		eer, dcf01, dcf05 float64
	}{
		{[]int{1, 1, 1, 1}, 0.25, 0.375, 0.375}, // the original set
		{[]int{2, 0, 1, 1}, 0.125, 0.25, 0.25},
		{[]int{0, 3, 0, 1}, 0.125, 0.125, 0.125},
		{[]int{1, 0, 0, 3}, 0.375, 0.375, 0.375},
		{[]int{4, 0, 0, 0}, nan, nan, nan}, // one speaker: no non-target trial
	}
	counts := make([][]int, len(cases))
	for i, c := range cases {
		counts[i] = c.counts
	}
	e, d1, d5 := BootstrapSamples(bsScore, bsTarget(bsA, bsB), bsA, bsB, counts)
	for i, c := range cases {
		for _, g := range []struct {
			name      string
			got, want float64
		}{{"EER", e[i], c.eer}, {"minDCF(0.01)", d1[i], c.dcf01}, {"minDCF(0.05)", d5[i], c.dcf05}} {
			if math.IsNaN(g.want) != math.IsNaN(g.got) || (!math.IsNaN(g.want) && math.Abs(g.got-g.want) > 1e-12) {
				t.Errorf("counts %v: %s %v, numpy %v", c.counts, g.name, g.got, g.want)
			}
		}
	}
	// The all-ones resample is the set itself.
	if eer, _ := EER(bsScore, bsTarget(bsA, bsB)); math.Abs(eer-e[0]) > 1e-15 {
		t.Errorf("EER %v, all-ones resample %v", eer, e[0])
	}
}

// synthTrials returns all pairs of nutt utterances of each of nspk speakers
// with a speaker-level effect: target scores N(0.6+d_s, 0.1), non-target
// N(0.25+d_a/2+d_b/2, 0.1) with d_s ~ N(0, 0.12), rounded to 1e-3 (ties).
func synthTrials(nspk, nutt int, seed uint64) (scores []float64, target []bool, a, b []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := make([]float64, nspk)
	for s := range d {
		d[s] = 0.12 * rng.NormFloat64()
	}
	n := nspk * nutt
	for i := range n {
		for j := i + 1; j < n; j++ {
			sa, sb := i/nutt, j/nutt
			m := 0.25 + (d[sa]+d[sb])/2
			if sa == sb {
				m = 0.6 + d[sa]
			}
			scores = append(scores, math.Round(1000*(m+0.1*rng.NormFloat64()))/1000)
			target, a, b = append(target, sa == sb), append(a, sa), append(b, sb)
		}
	}
	return scores, target, a, b
}

func TestBootstrapMatchesNumpy(t *testing.T) {
	if !testenv.HavePython(t) {
		t.Skip("no venv: the stored example ran")
	}
	scores, target, a, b := synthTrials(12, 5, 3)
	counts := SpeakerResamples(12, 200, 42)
	in, err := json.Marshal(map[string]any{"a": a, "b": b, "s": scores, "counts": counts})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trials.json")
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	out := testenv.RunPython(t, bootstrapRef, path)
	var ref struct {
		Samples [][]*float64 `json:"samples"`
		CI      [2]float64   `json:"ci"`
	}
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("reference output %q: %v", out, err)
	}
	e, d1, d5 := BootstrapSamples(scores, target, a, b, counts)
	for r := range counts {
		for k, got := range []float64{e[r], d1[r], d5[r]} {
			want := ref.Samples[r][k]
			if want == nil {
				if !math.IsNaN(got) {
					t.Errorf("resample %d metric %d: %v, numpy degenerate", r, k, got)
				}
				continue
			}
			if math.Abs(got-*want) > 1e-9 {
				t.Errorf("resample %d metric %d: %v, numpy %v", r, k, got, *want)
			}
		}
	}
	lo, hi := Percentile(e, 2.5), Percentile(e, 97.5)
	if math.Abs(lo-ref.CI[0]) > 1e-9 || math.Abs(hi-ref.CI[1]) > 1e-9 {
		t.Errorf("interval [%v, %v], numpy [%v, %v]", lo, hi, ref.CI[0], ref.CI[1])
	}
	// Bootstrap draws the same resamples for ids 0..11.
	if blo, bhi := BootstrapEER(scores, target, a, b, 200, 42); blo != lo || bhi != hi {
		t.Errorf("BootstrapEER [%v, %v], from the samples [%v, %v]", blo, bhi, lo, hi)
	}
}

func TestBootstrapProperties(t *testing.T) {
	width := map[int]float64{}
	for _, nspk := range []int{8, 32} {
		scores, target, a, b := synthTrials(nspk, 4, 11)
		// Speaker ids need not be 0..n-1: shift them.
		for i := range a {
			a[i], b[i] = 3*a[i]+100, 3*b[i]+100
		}
		eer, _ := EER(scores, target)
		r := Bootstrap(scores, target, a, b, BootstrapB, 1)
		if r.Speakers != nspk || r.B != BootstrapB {
			t.Fatalf("%d speakers: result %+v", nspk, r)
		}
		if !(r.EER.Lo <= eer && eer <= r.EER.Hi) || !(r.EER.Lo < r.EER.Hi) {
			t.Errorf("%d speakers: EER %.4f outside [%.4f, %.4f]", nspk, eer, r.EER.Lo, r.EER.Hi)
		}
		for _, p := range []struct {
			name string
			iv   Interval
			pt   DCF
		}{{"minDCF(0.01)", r.MinDCF01, DCF01}, {"minDCF(0.05)", r.MinDCF05, DCF05}} {
			if d, _ := MinDCF(scores, target, p.pt); !(p.iv.Lo <= d && d <= p.iv.Hi) {
				t.Errorf("%d speakers: %s %.4f outside [%.4f, %.4f]", nspk, p.name, d, p.iv.Lo, p.iv.Hi)
			}
		}
		width[nspk] = r.EER.Hi - r.EER.Lo
		// A fixed seed fixes the interval.
		if r2 := Bootstrap(scores, target, a, b, BootstrapB, 1); r2 != r {
			t.Errorf("%d speakers: seed 1 gave %+v then %+v", nspk, r, r2)
		}
	}
	// Four times the speakers: about half the width (1/sqrt(4)).
	if !(width[32] < 0.75*width[8]) {
		t.Errorf("EER interval width %.4f with 32 speakers, %.4f with 8: no shrinking", width[32], width[8])
	}
}

func TestPercentile(t *testing.T) {
	// numpy.percentile([3, 1, nan-dropped, 4, 2], q), linear rule.
	x := []float64{3, 1, math.NaN(), 4, 2}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {2.5, 1.075}, {50, 2.5}, {97.5, 3.925}, {100, 4}} {
		if got := Percentile(x, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Percentile(%v) = %v, numpy %v", c.q, got, c.want)
		}
	}
	if !math.IsNaN(Percentile([]float64{math.NaN()}, 50)) {
		t.Error("Percentile of no values is not NaN")
	}
}

// TestBootstrapSamplesScan checks the sorted, one-pass resample against
// the weighted ROC it replaces (rocWeighted with the resample's weights,
// then eerOf and minDCFOf), value for value, on trials with many tied
// scores (rounded to 1e-3) and 300 resamples, degenerate ones included.
func TestBootstrapSamplesScan(t *testing.T) {
	scores, target, a, b := synthTrials(9, 6, 5)
	counts := SpeakerResamples(9, 300, 7)
	counts = append(counts, []int{9, 0, 0, 0, 0, 0, 0, 0, 0}) // one speaker: no non-target weight
	e, d1, d5 := BootstrapSamples(scores, target, a, b, counts)
	order := scoreOrder(scores)
	w := make([]float64, len(scores))
	for r, c := range counts {
		var wt, wn float64
		for i := range w {
			w[i] = float64(c[a[i]] * c[b[i]])
			if a[i] == b[i] {
				w[i] = float64(c[a[i]])
			}
			if target[i] {
				wt += w[i]
			} else {
				wn += w[i]
			}
		}
		want := [3]float64{math.NaN(), math.NaN(), math.NaN()}
		if wt > 0 && wn > 0 {
			pts := rocWeighted(order, scores, target, w, nil)
			want[0], _ = eerOf(pts)
			want[1], _ = minDCFOf(pts, DCF01)
			want[2], _ = minDCFOf(pts, DCF05)
		}
		for k, got := range []float64{e[r], d1[r], d5[r]} {
			if got != want[k] && !(math.IsNaN(got) && math.IsNaN(want[k])) {
				t.Errorf("resample %d metric %d: %v, weighted ROC %v", r, k, got, want[k])
			}
		}
	}
}

// TestDetectionMetrics checks the one-scan metrics against EER and MinDCF,
// value for value, on trials with ties (scores rounded to 1e-3) and on a
// small list where every score ties.
func TestDetectionMetrics(t *testing.T) {
	scores, target, _, _ := synthTrials(10, 5, 11)
	for _, c := range []struct {
		name   string
		scores []float64
		target []bool
	}{{"synthetic", scores, target}, {"all tied", []float64{1, 1, 1, 1}, []bool{true, false, false, true}}} {
		eer, thr, d1, d5 := DetectionMetrics(c.scores, c.target)
		weer, wthr := EER(c.scores, c.target)
		wd1, _ := MinDCF(c.scores, c.target, DCF01)
		wd5, _ := MinDCF(c.scores, c.target, DCF05)
		if eer != weer || thr != wthr || d1 != wd1 || d5 != wd5 {
			t.Errorf("%s: %v %v %v %v, EER and MinDCF %v %v %v %v", c.name, eer, thr, d1, d5, weer, wthr, wd1, wd5)
		}
	}
}
