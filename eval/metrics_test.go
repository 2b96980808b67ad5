package eval

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestLegacyMR follows Lukic & Vogt's rule by hand on a 4-point tree:
// speakers [0 0 1 1]; merges (0,1) same speaker, (2,3) same, then (4,5).
func TestLegacyMR(t *testing.T) {
	z := []Merge{{0, 1, 0.1, 2}, {2, 3, 0.2, 2}, {4, 5, 0.9, 4}}
	got := LegacyMR(z, []int{0, 0, 1, 1})
	want := []float64{1, 0.5, 0, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("LegacyMR = %v, want %v", got, want)
		}
	}
	// A merge of two singletons of different speakers marks both wrong.
	got = LegacyMR([]Merge{{0, 2, 0.1, 2}, {1, 3, 0.2, 2}, {4, 5, 0.9, 4}}, []int{0, 0, 1, 1})
	if got[1] != 1 || got[2] != 1 {
		t.Fatalf("LegacyMR cross-speaker = %v", got)
	}
}

type sklearnRef struct {
	ARI, NMI, MR, ACP, Purity, Coverage []float64
	EER, EERThr, KaldiEER, KaldiThr     float64
	MinDCF01, MinDCF05                  float64
	BestAcc                             float64
}

const sklearnScript = `
import sys, json, numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_curve, confusion_matrix
from scipy.optimize import linear_sum_assignment, brentq
from scipy.interpolate import interp1d
d = json.loads(sys.argv[1])
out = {k: [] for k in ["ARI", "NMI", "MR", "ACP", "Purity", "Coverage"]}
for t, p in d["pairs"]:
    t, p = np.array(t), np.array(p)
    out["ARI"].append(adjusted_rand_score(t, p))
    out["NMI"].append(normalized_mutual_info_score(t, p))
    cm = confusion_matrix(t, p, labels=np.union1d(t, p))   # rows true, cols pred
    r, c = linear_sum_assignment(-cm)
    out["MR"].append(1 - cm[r, c].sum() / len(t))
    out["ACP"].append(float(sum((row ** 2).sum() / row.sum() for row in cm.T if row.sum())) / len(t))
    out["Purity"].append(cm.max(axis=0).sum() / len(t))
    out["Coverage"].append(cm.max(axis=1).sum() / len(t))
s, y = np.array(d["scores"]), np.array(d["target"], dtype=int)
fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
eer = brentq(lambda x: 1. - x - interp1d(fpr, tpr)(x), 0., 1.)
out["EER"], out["EERThr"] = eer, float(interp1d(fpr, thr)(eer))
# Kaldi compute-eer (ivector/compute-eer.cc) sorting rule
tar, non = np.sort(s[y == 1]), np.sort(s[y == 0])
p = 0
while p + 1 < len(tar):
    npos = max(len(non) - 1 - int(len(non) * p / len(tar)), 0)
    if non[npos] < tar[p]:
        break
    p += 1
out["KaldiEER"], out["KaldiThr"] = p / len(tar), tar[p]
# Kaldi compute_min_dcf.py
order = np.argsort(s, kind="stable"); lab = y[order]
fnrs = np.cumsum(lab) / lab.sum(); fprs = 1 - np.cumsum(1 - lab) / (len(lab) - lab.sum())
for pt, key in [(0.01, "MinDCF01"), (0.05, "MinDCF05")]:
    out[key] = float(np.min(fnrs * pt + fprs * (1 - pt)) / min(pt, 1 - pt))
# best accuracy over all thresholds "same iff s > t"
acc = [((s > t) == (y == 1)).mean() for t in np.concatenate([[s.min() - 1], s])]
out["BestAcc"] = float(max(acc))
print(json.dumps(out))
`

// TestMetricsMatchReferences compares ARI and NMI with scikit-learn, MR
// with an optimal assignment by scipy's linear_sum_assignment, ACP/purity/
// coverage with their confusion-matrix formulas, EER with scikit-learn's
// roc_curve + brentq interpolation and with Kaldi compute-eer's rule, and
// minDCF with Kaldi's compute_min_dcf.py, on random data.
func TestMetricsMatchReferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var pairs [][2][]int
	for k := 0; k < 12; k++ {
		n, ks, kc := 5+rng.IntN(60), 1+rng.IntN(6), 1+rng.IntN(8)
		tr, pr := make([]int, n), make([]int, n)
		for i := range tr {
			tr[i] = rng.IntN(ks)
			pr[i] = rng.IntN(kc)
			if rng.Float64() < 0.6 {
				pr[i] = tr[i] + 3
			}
		}
		pairs = append(pairs, [2][]int{tr, pr})
	}
	var scores []float64
	var target []bool
	for i := 0; i < 3000; i++ {
		tg := rng.Float64() < 0.1
		s := rng.NormFloat64()
		if tg {
			s += 2
		}
		scores, target = append(scores, s), append(target, tg)
	}
	in, _ := json.Marshal(map[string]any{"pairs": pairs, "scores": scores, "target": target})
	testenv.Reference(t, "metrics", sklearnScript, []string{string(in)}, func(t *testing.T, out []byte) {
		var ref sklearnRef
		if err := json.Unmarshal(out, &ref); err != nil {
			t.Fatal(err)
		}
		for k, p := range pairs {
			got := []float64{ARI(p[0], p[1]), NMI(p[0], p[1]), MR(p[0], p[1]), ACP(p[0], p[1]), Purity(p[0], p[1]), Coverage(p[0], p[1])}
			want := []float64{ref.ARI[k], ref.NMI[k], ref.MR[k], ref.ACP[k], ref.Purity[k], ref.Coverage[k]}
			for m, name := range []string{"ARI", "NMI", "MR", "ACP", "Purity", "Coverage"} {
				if math.Abs(got[m]-want[m]) > 1e-12 {
					t.Errorf("case %d %s = %v, reference %v", k, name, got[m], want[m])
				}
			}
		}
		check := func(name string, got, want, tol float64) {
			if math.Abs(got-want) > tol {
				t.Errorf("%s = %v, reference %v", name, got, want)
			} else {
				t.Logf("%s = %.6f (reference %.6f)", name, got, want)
			}
		}
		eer, thr := EER(scores, target)
		check("EER", eer, ref.EER, 1e-9)
		// interp1d sorts equal FPR values in no specified order, so on a
		// vertical ROC segment its threshold may be either end: allow one score
		// step between the two thresholds.
		if between := countBetween(scores, thr, ref.EERThr); between > 1 {
			t.Errorf("EER threshold %v, reference %v: %d scores between", thr, ref.EERThr, between)
		}
		keer, kthr := EERKaldi(scores, target)
		check("Kaldi EER", keer, ref.KaldiEER, 0)
		check("Kaldi threshold", kthr, ref.KaldiThr, 0)
		d1, _ := MinDCF(scores, target, DCF{PTarget: 0.01, CMiss: 1, CFA: 1})
		check("minDCF(0.01)", d1, ref.MinDCF01, 1e-12)
		d5, _ := MinDCF(scores, target, DCF{PTarget: 0.05, CMiss: 1, CFA: 1})
		check("minDCF(0.05)", d5, ref.MinDCF05, 1e-12)
		bt, acc := BestThreshold(scores, target)
		check("best accuracy", acc, ref.BestAcc, 1e-12)
		if d := Decide(scores, target, bt); d.Accuracy != acc {
			t.Errorf("Decide at best threshold: accuracy %v, want %v", d.Accuracy, acc)
		}
	})
}

func countBetween(x []float64, a, b float64) int {
	lo, hi := min(a, b), max(a, b)
	n := 0
	for _, v := range x {
		if v > lo && v < hi {
			n++
		}
	}
	return n
}
