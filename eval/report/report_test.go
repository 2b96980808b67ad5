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
