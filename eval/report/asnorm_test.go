package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// TestBuildASNorm runs eval with the norm back-end and AS-norm against the
// back-end's own training speakers: the all-pairs and dev scores are
// eval.Scorer's AS-normed ones (whose numbers TestASNormBackendMatchesNumpy
// checks against numpy), the clustering is the back-end's alone, and the
// report says so.
func TestBuildASNorm(t *testing.T) {
	root := t.TempDir()
	train, test, dev := filepath.Join(root, "train"), filepath.Join(root, "test"), filepath.Join(root, "dev")
	writeSet(t, train, 30, 8, 0.6, 5)
	writeSet(t, test, 8, 6, 1.2, 6)
	writeSet(t, dev, 8, 6, 1.2, 7)
	be := BackendConfig{Kind: eval.BackendNorm, Train: train}
	cfg := Config{Embeddings: test, Dev: dev, Out: filepath.Join(root, "plain"), Method: eval.Complete, Metric: eval.Cosine, Backend: be}
	plain, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Out, cfg.ASNorm = filepath.Join(root, "asnorm"), ASNormConfig{Cohort: train, TopK: 50}
	r, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.ASNorm == nil || *r.ASNorm != (ASNormReport{Cohort: train, Utterances: 240, TopK: 50}) {
		t.Errorf("as_norm %+v", r.ASNorm)
	}
	b, _ := LoadBackend(be, nil)
	score := func(dir string) ([]float64, []bool) {
		set, _ := vecio.ReadDir(dir)
		cx, _ := vecio.ReadDir(train)
		labels, _, _ := Speakers(set)
		s := &eval.Scorer{Emb: set.Emb, Dim: set.Dim, Backend: b, Cohort: cx.Emb, TopK: 50}
		return s.PairScores(labels)
	}
	eer, _ := eval.EER(score(test))
	_, devThr := eval.EER(score(dev))
	if r.Verification.EER != eer || r.Verification.Thresholds[1].Name != "dev_eer" || r.Verification.Thresholds[1].Threshold != devThr {
		t.Errorf("EER %v, dev EER threshold %+v; want %v and %v", r.Verification.EER, r.Verification.Thresholds[1], eer, devThr)
	}
	if r.Verification.EER == plain.Verification.EER && r.Verification.MinDCF01 == plain.Verification.MinDCF01 {
		t.Errorf("AS-norm changed neither EER (%v) nor minDCF (%v)", r.Verification.EER, r.Verification.MinDCF01)
	}
	for k, c := range r.Clustering.Cuts {
		if c != plain.Clustering.Cuts[k] {
			t.Errorf("cut %s with AS-norm %+v, without %+v", c.Name, c, plain.Clustering.Cuts[k])
		}
	}
	md, _ := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if !strings.Contains(string(md), "AS-normed: cohort "+train+" (240 utterances), top 50 per side") {
		t.Errorf("report.md does not name the AS-norm:\n%s", md)
	}
	t.Logf("norm: EER %.4f -> %.4f with AS-norm, minDCF(0.01) %.4f -> %.4f", plain.Verification.EER, r.Verification.EER, plain.Verification.MinDCF01, r.Verification.MinDCF01)
}

// TestASNormBadCohort: an empty cohort and one of another dimension are
// data errors, a top-k beyond the cohort's size (or negative) a usage
// error, each naming the cohort; eval and score read it alike.
func TestASNormBadCohort(t *testing.T) {
	root := t.TempDir()
	test, small, empty, other := filepath.Join(root, "test"), filepath.Join(root, "small"), filepath.Join(root, "empty"), filepath.Join(root, "other")
	writeSet(t, test, 4, 3, 0.6, 1)
	writeSet(t, small, 2, 3, 0.6, 2)
	os.MkdirAll(empty, 0o755)
	os.WriteFile(filepath.Join(empty, vecio.ScpFile), nil, 0o644)
	if err := vecio.WriteDir(other, []string{"a", "b"}, []float32{1, 2, 3, 4}, 2, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	trials := filepath.Join(root, "trials")
	os.WriteFile(trials, []byte("1 id00/v/00000.wav id00/v/00001.wav\n0 id00/v/00000.wav id01/v/00001.wav\n"), 0o644)
	for _, c := range []struct {
		name  string
		as    ASNormConfig
		class error
		says  string
	}{
		{"empty", ASNormConfig{Cohort: empty}, errs.ErrBadData, empty},
		{"dimension", ASNormConfig{Cohort: other}, errs.ErrBadData, "AS-norm cohort " + other + " has dimension 2, the embeddings " + test + " 16"},
		{"negative top-k", ASNormConfig{Cohort: small, TopK: -1}, errs.ErrUsage, "top-k -1 is negative"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(Config{Embeddings: test, Out: filepath.Join(root, "r"), ASNorm: c.as})
			if !errors.Is(err, c.class) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("eval: %v; want %v naming %q", err, c.class, c.says)
			}
			_, err = Score(ScoreConfig{Embeddings: test, Trials: trials, ASNorm: c.as})
			if !errors.Is(err, c.class) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("score: %v; want %v naming %q", err, c.class, c.says)
			}
		})
	}
	for _, k := range []int{6, 7} { // a top-k above the cohort's size keeps the whole cohort
		a, err := loadCohort(ASNormConfig{Cohort: small, TopK: k}, eval.Cosine, 16, test)
		if err != nil || a.TopK != 6 {
			t.Errorf("top-k %d of a 6-utterance cohort: %+v, %v; want top 6", k, a, err)
		}
	}
}
