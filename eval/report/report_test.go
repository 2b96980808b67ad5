package report

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// writeSet writes an embeddings directory of spk speakers x utt utterances
// around random centres (spread sets how well they separate), ids in
// VoxCeleb form "idS/v/0000U".
func writeSet(t *testing.T, dir string, spk, utt int, spread float64, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	const dim = 16
	var ids []string
	var emb []float32
	u2s := map[string]string{}
	for s := 0; s < spk; s++ {
		c := make([]float64, dim)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		for u := 0; u < utt; u++ {
			id := fmt.Sprintf("id%02d/v/%05d", s, u)
			ids = append(ids, id)
			u2s[id] = fmt.Sprintf("id%02d", s)
			for j := range dim {
				emb = append(emb, float32(c[j]+spread*rng.NormFloat64()))
			}
		}
	}
	if err := vecio.WriteDir(dir, ids, emb, dim, vecio.WriteOptions{Utt2Spk: u2s}); err != nil {
		t.Fatal(err)
	}
}

// TestBuild runs the whole report on synthetic speakers and checks it
// against the eval functions it is made of: the oracle cut is never worse
// than the true-k cut, the all-pairs EER is eval.EER of eval.PairScores,
// the VoxCeleb trial list resolves, and every figure exists.
func TestBuild(t *testing.T) {
	root := t.TempDir()
	if d := os.Getenv("VOXSIAM_REPORT_DIR"); d != "" {
		root = d
	}
	test, dev, out := filepath.Join(root, "test"), filepath.Join(root, "dev"), filepath.Join(root, "report")
	writeSet(t, test, 8, 6, 0.6, 1)
	writeSet(t, dev, 8, 6, 0.6, 2)
	r, err := Build(Config{Embeddings: test, Dev: dev, Out: out, Method: eval.Complete, Metric: eval.Cosine})
	if err != nil {
		t.Fatal(err)
	}
	cuts := map[string]CutReport{}
	for _, c := range r.Clustering.Cuts {
		cuts[c.Name] = c
	}
	if len(cuts) != 3 || cuts["oracle"].MR > cuts["true_speakers"].MR || cuts["true_speakers"].Clusters > 8 {
		t.Errorf("cuts: %+v", r.Clustering.Cuts)
	}
	set, _ := vecio.ReadDir(test)
	labels, _, _ := Speakers(set)
	eer, _ := eval.EER(eval.PairScores(set.Emb, set.Dim, labels, eval.Cosine))
	if r.Verification.EER != eer || r.Verification.Source != "all pairs" {
		t.Errorf("EER %v from %s, want %v from all pairs", r.Verification.EER, r.Verification.Source, eer)
	}
	for _, f := range []string{"report.json", "report.md", "det.png", "scores.png", "dendrogram.png", "map.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !strings.Contains(string(md), "| oracle |") || !strings.Contains(string(md), "![DET curve](det.png)") {
		t.Errorf("report.md lacks the oracle row or the DET figure:\n%s", md)
	}
	var back Report
	b, _ := os.ReadFile(filepath.Join(out, "report.json"))
	if err := json.Unmarshal(b, &back); err != nil || back.Verification.Thresholds[0].Name != "dev_accuracy" {
		t.Errorf("report.json: %v %+v", err, back.Verification)
	}

	trials := filepath.Join(root, "trials.txt")
	os.WriteFile(trials, []byte("1 id00/v/00000.wav id00/v/00001.wav\n0 id00/v/00000.wav id01/v/00001.wav\n1 id02/v/00003.wav id02/v/00004.wav\n0 id03/v/00000.wav id05/v/00002.wav\n"), 0o644)
	r2, err := Build(Config{Embeddings: test, Trials: trials, Out: filepath.Join(root, "report2"), Method: eval.Average, Metric: eval.Euclidean})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Verification.Trials != 4 || r2.Verification.Targets != 2 {
		t.Errorf("trial list: %+v", r2.Verification)
	}
}

// TestClusterKL clusters softmax distributions with the symmetric KL
// distance (distributions.npy) and checks the oracle and spectral cuts
// against the generating speakers.
func TestClusterKL(t *testing.T) {
	dir := t.TempDir()
	const spk, utt, s = 4, 5, 6
	var ids []string
	var emb, dist []float32
	u2s := map[string]string{}
	rng := rand.New(rand.NewPCG(8, 8))
	for k := 0; k < spk; k++ {
		for u := 0; u < utt; u++ {
			id := fmt.Sprintf("s%d-u%d", k, u)
			ids, u2s[id] = append(ids, id), fmt.Sprintf("s%d", k)
			emb = append(emb, float32(rng.NormFloat64()), float32(rng.NormFloat64()))
			row := make([]float32, s)
			var sum float32
			for j := range row {
				row[j] = 0.02 + 0.02*float32(rng.Float64())
				if j == k {
					row[j] = 1
				}
				sum += row[j]
			}
			for j := range row {
				dist = append(dist, row[j]/sum)
			}
		}
	}
	if err := vecio.WriteDir(dir, ids, emb, 2, vecio.WriteOptions{Utt2Spk: u2s, Dist: dist, DistDim: s}); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []ClusterConfig{
		{Embeddings: dir, Method: eval.Average, Metric: eval.SymKL, Oracle: true},
		{Embeddings: dir, Metric: eval.SymKL, Speakers: spk},
		{Embeddings: dir, Metric: eval.SymKL, Spectral: true},
	} {
		r, err := Cluster(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Clusters != spk || r.Metrics.MR != 0 {
			t.Errorf("%+v: %d clusters, MR %v", cfg, r.Clusters, r.Metrics.MR)
		}
	}
}

// TestCutReportMR: the exact MR and the ZHAW one side by side; the ZHAW
// value is taken with the clusters renumbered in order of first appearance
// (as written), so the partition [2 2 1 1] of speakers [0 1 2 0] scores as
// [1 1 2 2]: 0.5, not the 0.75 of its raw numbering (eval TestMR has both).
func TestCutReportMR(t *testing.T) {
	c := cutReport("x", 0, []int{2, 2, 1, 1}, []int{0, 1, 2, 0})
	if c.MR != 0.5 || c.MRZHAW != 0.5 {
		t.Errorf("MR %v, ZHAW MR %v; want 0.5 and 0.5", c.MR, c.MRZHAW)
	}
	c = cutReport("x", 0, []int{1, 1, 1, 2, 2, 2, 2, 2}, []int{0, 0, 0, 0, 0, 0, 1, 1})
	if c.MR != 3.0/8 || c.MRZHAW != 5.0/8 {
		t.Errorf("MR %v, ZHAW MR %v; want 3/8 and 5/8", c.MR, c.MRZHAW)
	}
	b, _ := json.Marshal(c)
	md := Markdown(&Report{Clustering: &ClusteringReport{Cuts: []CutReport{c}}})
	if !strings.Contains(string(b), `"mr":0.375,"mr_zhaw":0.625`) || !strings.Contains(md, "| 37.50% | 62.50% |") || !strings.Contains(md, "MR (ZHAW mr.py)") {
		t.Errorf("JSON %s\nmarkdown:\n%s", b, md)
	}
}

// TestBackends runs eval, cluster and score with the norm and plda
// back-ends trained on a separate set of speakers: the back-end file is
// written and, read back, reproduces the report; AS-norm works on top of
// PLDA; bad combinations and mismatched files are errors naming the input.
func TestBackends(t *testing.T) {
	root := t.TempDir()
	train, test, dev := filepath.Join(root, "train"), filepath.Join(root, "test"), filepath.Join(root, "dev")
	writeSet(t, train, 30, 8, 0.6, 5)
	writeSet(t, test, 8, 6, 0.6, 6)
	writeSet(t, dev, 8, 6, 0.6, 7)
	model := filepath.Join(root, "plda.json")
	for _, kind := range []eval.BackendKind{eval.BackendNorm, eval.BackendPLDA} {
		cfg := Config{Embeddings: test, Dev: dev, Out: filepath.Join(root, "r-"+string(kind)), Method: eval.Complete, Metric: eval.Cosine,
			Backend: BackendConfig{Kind: kind, Train: train, Model: model}}
		r, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Backend != string(kind) || r.Verification.EER > 0.1 || r.Clustering.Cuts[0].MR > 0.25 {
			t.Errorf("%s: backend %q, EER %v, MR %v", kind, r.Backend, r.Verification.EER, r.Clustering.Cuts[0].MR)
		}
		cfg.Backend.Train, cfg.Out = "", cfg.Out+"-reread"
		again, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if again.Verification.EER != r.Verification.EER || again.Clustering.Cuts[1].MR != r.Clustering.Cuts[1].MR {
			t.Errorf("%s: re-read back-end gives EER %v / dev-cut MR %v, trained %v / %v", kind,
				again.Verification.EER, again.Clustering.Cuts[1].MR, r.Verification.EER, r.Clustering.Cuts[1].MR)
		}
		t.Logf("%s: EER %.4f, MR (true speakers) %.4f, dev cut %d clusters", kind, r.Verification.EER, r.Clustering.Cuts[0].MR, r.Clustering.Cuts[1].Clusters)
	}
	// model now holds the plda back-end
	plda := BackendConfig{Kind: eval.BackendPLDA, Model: model}
	c, err := Cluster(ClusterConfig{Embeddings: test, Method: eval.Complete, Dev: dev, Backend: plda})
	if err != nil || c.Backend != "plda" || c.Metrics == nil {
		t.Fatalf("cluster with plda: %v %+v", err, c)
	}
	if _, err := Cluster(ClusterConfig{Embeddings: test, Spectral: true, Backend: plda}); err == nil {
		t.Error("spectral clustering with plda accepted")
	}
	trials := filepath.Join(root, "trials")
	os.WriteFile(trials, []byte("1 id00/v/00000.wav id00/v/00001.wav\n0 id00/v/00000.wav id01/v/00001.wav\n1 id02/v/00003.wav id02/v/00004.wav\n0 id03/v/00000.wav id05/v/00002.wav\n"), 0o644)
	s, err := Score(ScoreConfig{Embeddings: test, Trials: trials, ASNorm: ASNormConfig{Cohort: dev, TopK: 10}, Backend: plda})
	if err != nil || !s.ASNorm || s.Backend != "plda" || *s.EER != 0 {
		t.Fatalf("score with plda and AS-norm: %v %+v", err, s)
	}
	if _, err := Score(ScoreConfig{Embeddings: test, Trials: trials, MeanSubtract: true, Backend: plda}); err == nil {
		t.Error("mean subtraction with a trained back-end accepted")
	}
	if _, err := Score(ScoreConfig{Embeddings: test, Trials: trials, Backend: BackendConfig{Kind: eval.BackendNorm, Model: model}}); err == nil || !strings.Contains(err.Error(), model) {
		t.Errorf("a plda file used as a norm back-end: %v", err)
	}
	small := filepath.Join(root, "small")
	if err := vecio.WriteDir(small, []string{"a", "b"}, []float32{1, 2, 3, 4}, 2, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Cluster(ClusterConfig{Embeddings: small, Speakers: 1, Backend: plda}); err == nil || !strings.Contains(err.Error(), small) {
		t.Errorf("dimension mismatch: %v", err)
	}
	if _, err := LoadBackend(BackendConfig{Kind: eval.BackendPLDA, Train: small}, nil); err == nil || !strings.Contains(err.Error(), small) {
		t.Errorf("training set without speakers: %v", err)
	}
}
