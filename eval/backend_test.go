package eval

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// pldaTolerance bounds |LLR - reference| / max(1, |reference|) against the
// numpy transcription of Kaldi (both in float64 from the same float32 data;
// the differences are eigensolver and summation-order rounding).
const pldaTolerance = 1e-9

type pldaRef struct {
	Train       [][]float32 `json:"train"`
	TrainLabels []int       `json:"train_labels"`
	Test        [][]float32 `json:"test"`
	TestLabels  []int       `json:"test_labels"`
	Backends    []struct {
		LDADim int       `json:"lda_dim"`
		Psi    []float64 `json:"psi"`
		LLR    []float64 `json:"llr"`
	} `json:"backends"`
}

func flatten(rows [][]float32) ([]float32, int) {
	var x []float32
	for _, r := range rows {
		x = append(x, r...)
	}
	return x, len(rows[0])
}

func readPLDARef(t *testing.T, path string) pldaRef {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref pldaRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(ref.Backends) == 0 || len(ref.Train) == 0 || len(ref.Test) == 0 {
		t.Fatalf("%s: incomplete reference", path)
	}
	return ref
}

// checkPLDA trains the PLDA back-end on the reference's training speakers and
// compares the LLRs of all test pairs (and Ψ) with the reference.
func checkPLDA(t *testing.T, ref pldaRef, what string) {
	t.Helper()
	train, dim := flatten(ref.Train)
	test, _ := flatten(ref.Test)
	for _, r := range ref.Backends {
		ldaDim := r.LDADim
		if ldaDim == 0 {
			ldaDim = -1 // the reference's 0: no LDA
		}
		b, err := FitBackend(BackendPLDA, train, dim, ref.TrainLabels, BackendOptions{LDADim: ldaDim})
		if err != nil {
			t.Fatal(err)
		}
		scores, _ := b.PairScores(b.Project(test), ref.TestLabels)
		if len(scores) != len(r.LLR) {
			t.Fatalf("lda %d: %d scores, reference %d", r.LDADim, len(scores), len(r.LLR))
		}
		worst := 0.0
		for k, s := range scores {
			worst = math.Max(worst, math.Abs(s-r.LLR[k])/math.Max(1, math.Abs(r.LLR[k])))
		}
		for k, p := range b.PLDA.Psi {
			worst = math.Max(worst, math.Abs(p-r.Psi[k])/math.Max(1, r.Psi[k]))
		}
		if worst > pldaTolerance {
			t.Errorf("lda %d: largest relative difference to the %s %.3g > %g", r.LDADim, what, worst, pldaTolerance)
		} else {
			t.Logf("lda %d: %d LLRs and Ψ within %.3g of the %s", r.LDADim, len(scores), worst, what)
		}
	}
}

// TestPLDAStoredReference compares the PLDA back-end (with an 8-d LDA, and
// without LDA) with the LLRs stored by testdata/plda_reference.py, a numpy
// transcription of Kaldi's ivector-compute-lda, ivector-compute-plda and
// ivector-plda-scoring: 15 training speakers of 3-9 utterances, 12
// dimensions, all 153 pairs of 18 test utterances of 6 new speakers.
func TestPLDAStoredReference(t *testing.T) {
	checkPLDA(t, readPLDARef(t, filepath.Join("testdata", "plda_reference.json")), "stored numpy reference")
}

// TestPLDALiveReference reruns the numpy transcription on the stored data in
// the venv (skipped without one) and compares the Go back-end with it.
func TestPLDALiveReference(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("testdata", "plda_reference.py"))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Join("testdata", "plda_reference.json"))
	var ref pldaRef
	if err := json.Unmarshal(testenv.RunPython(t, string(script), "--live", abs), &ref); err != nil {
		t.Fatal(err)
	}
	checkPLDA(t, ref, "live numpy reference")
}

// gaussianSpeakers draws spk speakers of utt utterances of dim dimensions,
// speaker offsets of scale between and noise of scale 1.
func gaussianSpeakers(spk, utt, dim int, between float64, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var x []float32
	var labels []int
	for s := 0; s < spk; s++ {
		c := make([]float64, dim)
		for j := range c {
			c[j] = 2 + between*rng.NormFloat64()
		}
		for u := 0; u < utt; u++ {
			for j := range c {
				x = append(x, float32(c[j]+rng.NormFloat64()*float64(1+j%3)))
			}
			labels = append(labels, s)
		}
	}
	return x, labels
}

// TestPLDAProperties: the single-enrolment LLR is symmetric, projected
// vectors satisfy Kaldi's length normalisation uᵀ(Ψ+I)⁻¹u = dim, Ψ is
// descending and non-negative, and target pairs outscore non-target pairs.
func TestPLDAProperties(t *testing.T) {
	x, labels := gaussianSpeakers(20, 6, 10, 5, 3)
	b, err := FitBackend(BackendPLDA, x, 10, labels, BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.LDA == nil || b.LDA.Out != 10 {
		t.Fatalf("default LDA dimension: %+v, want min(10, 19) = 10", b.LDA)
	}
	test, tl := gaussianSpeakers(5, 4, 10, 5, 4)
	y := b.Project(test)
	d := b.OutDim()
	for i := 0; i < len(tl); i++ {
		var q float64
		for k, u := range y[i*d : (i+1)*d] {
			q += u * u / (b.PLDA.Psi[k] + 1)
		}
		if math.Abs(q-float64(d)) > 1e-9 {
			t.Errorf("row %d: uᵀ(Ψ+I)⁻¹u = %v, want %d", i, q, d)
		}
	}
	for k := 1; k < d; k++ {
		if b.PLDA.Psi[k] > b.PLDA.Psi[k-1] || b.PLDA.Psi[k] < 0 {
			t.Fatalf("Ψ not descending and non-negative: %v", b.PLDA.Psi)
		}
	}
	u, v := y[:d], y[d:2*d]
	if a, c := b.Similarity(u, v), b.Similarity(v, u); math.Abs(a-c) > 1e-9*math.Max(1, math.Abs(a)) {
		t.Errorf("LLR(u, v) = %v, LLR(v, u) = %v", a, c)
	}
	scores, same := b.PairScores(y, tl)
	if eer, _ := EER(scores, same); eer > 0.1 {
		t.Errorf("EER %v on well-separated speakers", eer)
	}
	for k, dd := range b.Pdist(y) {
		if want := math.Log1p(math.Exp(-scores[k])); math.Abs(dd-want) > 1e-9*math.Max(1, want) || dd <= 0 {
			t.Fatalf("distance %v for LLR %v, want log(1+e^-LLR) = %v", dd, scores[k], want)
		}
	}
}

// TestLDAWhitensWithinClass: W·Σ_w·Wᵀ = I and W·Σ_b·Wᵀ = diag(eigenvalues)
// for the scatter matrices of ivector-compute-lda, on the training data.
func TestLDAWhitensWithinClass(t *testing.T) {
	xf, labels := gaussianSpeakers(12, 5, 6, 3, 5)
	x := make([]float64, len(xf))
	mean := MeanOf(xf, 6)
	for i, v := range xf {
		x[i] = float64(v) - mean[i%6]
	}
	l, err := FitLDA(x, 6, labels, 4, LDAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	y := l.Apply(nil, x)
	within, between := scatter(y, 4, labels)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			wantW, wantB := 0.0, 0.0
			if i == j {
				wantW, wantB = 1, l.Eigenvalues[i]
			}
			if math.Abs(within[i*4+j]-wantW) > 1e-9 || math.Abs(between[i*4+j]-wantB) > 1e-9*math.Max(1, wantB) {
				t.Fatalf("(%d,%d): within %v (want %v), between %v (want %v)", i, j, within[i*4+j], wantW, between[i*4+j], wantB)
			}
		}
	}
	if _, err := FitLDA(x, 6, labels, 7, LDAOptions{}); err == nil {
		t.Error("LDA dimension 7 > 6 accepted")
	}
}

// scatter returns the within- and between-class covariances (Kaldi's
// CovarianceStats: divided by the number of rows) of y: [n, d].
func scatter(y []float64, d int, labels []int) (within, between []float64) {
	within, between = make([]float64, d*d), make([]float64, d*d)
	n := float64(len(labels))
	for _, rows := range groupRows(labels) {
		m := make([]float64, d)
		for _, r := range rows {
			for j := 0; j < d; j++ {
				m[j] += y[r*d+j] / float64(len(rows))
			}
		}
		for _, r := range rows {
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					within[i*d+j] += (y[r*d+i] - m[i]) * (y[r*d+j] - m[j]) / n
				}
			}
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				between[i*d+j] += float64(len(rows)) * m[i] * m[j] / n
			}
		}
	}
	return within, between
}

// TestNormBackend: mean subtraction and unit length (WeSpeaker); its
// similarity is the cosine similarity of the mean-subtracted vectors.
func TestNormBackend(t *testing.T) {
	x, labels := gaussianSpeakers(4, 3, 5, 1, 6)
	b, err := FitBackend(BackendNorm, x, 5, labels, BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	y := b.Project(x)
	c := make([]float32, len(x))
	for i, v := range x {
		c[i] = float32(float64(v) - b.Mean[i%5])
	}
	for i := 0; i < 12; i++ {
		var s float64
		for _, v := range y[i*5 : (i+1)*5] {
			s += v * v
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d has squared length %v", i, s)
		}
		for j := 0; j < 12; j++ {
			want := 1 - Cosine.Distance(c[i*5:(i+1)*5], c[j*5:(j+1)*5])
			if got := b.Similarity(y[i*5:(i+1)*5], y[j*5:(j+1)*5]); math.Abs(got-want) > 1e-6 {
				t.Fatalf("similarity(%d, %d) = %v, cosine of centred vectors %v", i, j, got, want)
			}
		}
	}
}

// TestBackendFile: a saved back-end scores exactly as the trained one, and
// bad files are data errors that name the file.
func TestBackendFile(t *testing.T) {
	x, labels := gaussianSpeakers(10, 4, 6, 2, 7)
	b, err := FitBackend(BackendPLDA, x, 6, labels, BackendOptions{LDADim: 4})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "plda.json")
	if err := WriteBackend(path, b, TrainingSet{Dir: "train", Utterances: 40, Speakers: 10}); err != nil {
		t.Fatal(err)
	}
	back, on, err := ReadBackend(path)
	if err != nil {
		t.Fatal(err)
	}
	if on.Speakers != 10 || back.Kind != BackendPLDA {
		t.Errorf("read back %+v, %+v", back.Kind, on)
	}
	y1, y2 := b.Project(x), back.Project(x)
	for i := range y1 {
		if y1[i] != y2[i] {
			t.Fatalf("projection differs after the round trip at %d: %v vs %v", i, y1[i], y2[i])
		}
	}
	good, _ := os.ReadFile(path)
	for name, text := range map[string]string{
		"truncated":     string(good[:len(good)/2]),
		"other format":  strings.Replace(string(good), `"voxsiam-backend"`, `"kaldi"`, 1),
		"unknown field": strings.Replace(string(good), `"kind"`, `"colour":1,"kind"`, 1),
		"bad kind":      strings.Replace(string(good), `"kind":"plda"`, `"kind":"lda"`, 1),
		"shape":         strings.Replace(string(good), `"dim":6`, `"dim":7`, 1),
		"empty":         "",
	} {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(text), 0o644)
		_, _, err := ReadBackend(p)
		if err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, errs.ErrBadData) {
			t.Errorf("%s: error %v, want a data error naming %s", name, err, p)
		}
	}
	if _, _, err := ReadBackend(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

// TestFitBackendErrors: training sets that cannot support the model give
// errors, not NaN scores.
func TestFitBackendErrors(t *testing.T) {
	x, labels := gaussianSpeakers(1, 5, 4, 1, 8)
	if _, err := FitBackend(BackendPLDA, x, 4, labels, BackendOptions{}); err == nil {
		t.Error("PLDA with one speaker accepted")
	}
	x, labels = gaussianSpeakers(6, 1, 4, 1, 9)
	if _, err := FitBackend(BackendPLDA, x, 4, labels, BackendOptions{LDADim: -1}); err == nil {
		t.Error("PLDA with one utterance per speaker accepted")
	}
	if _, err := ParseBackend("lda"); err == nil {
		t.Error("unknown back-end name accepted")
	}
}

// TestScorerWithBackend: trial scores through the Scorer are the back-end's
// similarities, and AS-norm on top of PLDA follows the formula with the
// cohort scored by the same LLR (top 5 of 12 cohort utterances per side).
func TestScorerWithBackend(t *testing.T) {
	x, labels := gaussianSpeakers(12, 5, 6, 3, 10)
	b, err := FitBackend(BackendPLDA, x, 6, labels, BackendOptions{LDADim: 5})
	if err != nil {
		t.Fatal(err)
	}
	emb, _ := gaussianSpeakers(3, 2, 6, 3, 11)
	cohort, _ := gaussianSpeakers(4, 3, 6, 3, 12)
	plain := &Scorer{Emb: emb, Dim: 6, Backend: b}
	norm := &Scorer{Emb: emb, Dim: 6, Backend: b, Cohort: cohort, TopK: 5}
	y, yc := b.Project(emb), b.Project(cohort)
	d := b.OutDim()
	stats := func(i int) (mu, sd float64) {
		var sc []float64
		for k := 0; k < 12; k++ {
			sc = append(sc, b.PLDA.LLR(y[i*d:(i+1)*d], 1, yc[k*d:(k+1)*d]))
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(sc)))
		for _, v := range sc[:5] {
			mu += v / 5
		}
		for _, v := range sc[:5] {
			sd += (v - mu) * (v - mu) / 5
		}
		return mu, math.Sqrt(sd)
	}
	for i := 0; i < 6; i++ {
		for j := i + 1; j < 6; j++ {
			llr := b.PLDA.LLR(y[i*d:(i+1)*d], 1, y[j*d:(j+1)*d])
			if got := plain.Score(i, j); got != llr {
				t.Fatalf("Score(%d, %d) = %v, LLR %v", i, j, got, llr)
			}
			mi, si := stats(i)
			mj, sj := stats(j)
			want := 0.5 * ((llr-mi)/si + (llr-mj)/sj)
			if got := norm.Score(i, j); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("AS-norm Score(%d, %d) = %v, want %v", i, j, got, want)
			}
		}
	}
}
