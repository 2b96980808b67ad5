package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/vecio"
)

// evalFixture writes an embeddings directory of 5 speakers x 4 utterances
// (well separated) with Kaldi segments, and a VoxCeleb trial list.
func evalFixture(t *testing.T) (dir, trials string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "emb")
	rng := rand.New(rand.NewPCG(4, 4))
	var ids []string
	var emb []float32
	u2s := map[string]string{}
	var segs strings.Builder
	for s := 0; s < 5; s++ {
		c := make([]float64, 8)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		for u := 0; u < 4; u++ {
			id := fmt.Sprintf("spk%d/v/%05d", s, u)
			ids = append(ids, id)
			u2s[id] = fmt.Sprintf("spk%d", s)
			for j := range c {
				emb = append(emb, float32(c[j]+0.1*rng.NormFloat64()))
			}
			k := s*4 + u
			fmt.Fprintf(&segs, "%s rec1 %d.0 %d.5\n", id, 2*k, 2*k+1)
		}
	}
	if err := vecio.WriteDir(dir, ids, emb, 8, vecio.WriteOptions{Utt2Spk: u2s}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "segments"), []byte(segs.String()), 0o644)
	trials = filepath.Join(root, "trials")
	os.WriteFile(trials, []byte("1 spk0/v/00000.wav spk0/v/00001.wav\n0 spk0/v/00000.wav spk1/v/00001.wav\n1 spk3/v/00002.wav spk3/v/00003.wav\n0 spk2/v/00000.wav spk4/v/00000.wav\n"), 0o644)
	return dir, trials
}

// TestClusterScoreEvalCLI runs the three commands through the app (as a
// user would) and checks outputs and exit codes.
func TestClusterScoreEvalCLI(t *testing.T) {
	dir, trials := evalFixture(t)
	out := t.TempDir()
	run := func(args ...string) (string, int) {
		var so, se bytes.Buffer
		err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam"}, args...))
		return so.String(), exitCode(context.Background(), err)
	}
	clusters := filepath.Join(out, "clusters.txt")
	rttm := filepath.Join(out, "out.rttm")
	so, code := run("cluster", "--embeddings", dir, "--speakers", "5", "--out", clusters, "--rttm", rttm, "--json")
	var res struct {
		Clusters int
		Metrics  struct {
			MR     float64
			MRZHAW *float64 `json:"mr_zhaw"`
		}
	}
	if code != 0 || json.Unmarshal([]byte(so), &res) != nil || res.Clusters != 5 || res.Metrics.MR != 0 || res.Metrics.MRZHAW == nil || *res.Metrics.MRZHAW != 0 {
		t.Fatalf("cluster: code %d, %s", code, so)
	}
	if b, _ := os.ReadFile(rttm); strings.Count(string(b), "SPEAKER rec1 1 ") != 20 {
		t.Errorf("rttm:\n%s", b)
	}
	if b, _ := os.ReadFile(clusters); !strings.HasPrefix(string(b), "spk0/v/00000 cluster001\n") {
		t.Errorf("clusters file:\n%s", b)
	}
	if so, code = run("cluster", "--embeddings", dir, "--oracle", "--json"); code != 0 || !strings.Contains(so, `"cut": "oracle"`) {
		t.Errorf("oracle: %d %s", code, so)
	}
	scores := filepath.Join(out, "scores.txt")
	if so, code = run("score", "--embeddings", dir, "--trials", trials, "--out", scores); code != 0 || !strings.Contains(so, "EER 0.00%") {
		t.Errorf("score: %d %s", code, so)
	}
	if b, _ := os.ReadFile(scores); len(strings.Split(strings.TrimSpace(string(b)), "\n")) != 4 || !strings.Contains(string(b), " target\n") {
		t.Errorf("scores file:\n%s", b)
	}
	// The turns written by cluster --rttm against themselves relabelled: DER 0.
	if so, code = run("eval", "--embeddings", dir, "--out", filepath.Join(out, "report"), "--ref-rttm", rttm, "--hyp-rttm", rttm); code != 0 || !strings.Contains(so, "oracle") || !strings.Contains(so, "MR   0.00% (ZHAW   0.00%)") || !strings.Contains(so, "DER 0.00%") {
		t.Errorf("eval: %d %s", code, so)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"cluster", "--embeddings", dir}, exitUsage},                                   // no cut
		{[]string{"cluster", "--embeddings", dir, "--speakers", "2", "--oracle"}, exitUsage},    // two cuts
		{[]string{"cluster", "--embeddings", dir, "--oracle", "--method", "median"}, exitUsage}, // unknown linkage
		{[]string{"cluster", "--embeddings", dir, "--oracle", "--distance", "kl"}, exitData},    // no distributions.npy
		{[]string{"score", "--embeddings", dir, "--trials", dir + "/utt2spk"}, exitData},        // not trials of these ids
	} {
		if _, code := run(c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.code)
		}
	}
}

// backendTrainSet writes 12 training speakers x 5 utterances of 8
// dimensions (other speakers than evalFixture's).
func backendTrainSet(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "train")
	rng := rand.New(rand.NewPCG(9, 9))
	var ids []string
	var emb []float32
	u2s := map[string]string{}
	for s := 0; s < 12; s++ {
		c := make([]float64, 8)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		for u := 0; u < 5; u++ {
			id := fmt.Sprintf("train%02d-%d", s, u)
			ids, u2s[id] = append(ids, id), fmt.Sprintf("train%02d", s)
			for j := range c {
				emb = append(emb, float32(c[j]+0.1*rng.NormFloat64()))
			}
		}
	}
	if err := vecio.WriteDir(dir, ids, emb, 8, vecio.WriteOptions{Utt2Spk: u2s}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBackendCLI trains and saves a PLDA back-end with score, reuses the
// file in cluster and eval, and checks the flag combinations and a bad
// back-end file.
func TestBackendCLI(t *testing.T) {
	dir, trials := evalFixture(t)
	train := backendTrainSet(t)
	out := t.TempDir()
	model := filepath.Join(out, "plda.json")
	run := runCLI3
	so, se, code := run("score", "--embeddings", dir, "--trials", trials, "--out", filepath.Join(out, "scores"),
		"--backend", "plda", "--backend-train", train, "--backend-model", model, "--asnorm-cohort", train, "--topk", "10")
	if code != 0 || !strings.Contains(so, "EER 0.00%") {
		t.Fatalf("score --backend plda: %d %s %s", code, so, se)
	}
	if _, err := os.Stat(model); err != nil {
		t.Fatalf("back-end file not written: %v", err)
	}
	so, se, code = run("cluster", "--embeddings", dir, "--speakers", "5", "--json", "--backend", "plda", "--backend-model", model)
	if code != 0 || !strings.Contains(so, `"backend": "plda"`) || !strings.Contains(so, `"mr": 0,`) {
		t.Errorf("cluster --backend plda: %d %s %s", code, so, se)
	}
	so, se, code = run("eval", "--embeddings", dir, "--out", filepath.Join(out, "report"), "--json", "--backend", "norm", "--backend-train", train)
	if code != 0 || !strings.Contains(so, `"backend": "norm"`) {
		t.Errorf("eval --backend norm: %d %s %s", code, so, se)
	}
	bad := filepath.Join(out, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "voxsiam-backend", "version": 1, "kind": "plda"`), 0o644)
	if _, se, code = run("cluster", "--embeddings", dir, "--speakers", "5", "--backend", "plda", "--backend-model", bad); code != exitData || !strings.Contains(se, bad) {
		t.Errorf("bad back-end file: exit %d, stderr %q", code, se)
	}
	for _, args := range [][]string{
		{"score", "--embeddings", dir, "--trials", trials, "--backend", "plda"},                                                // nothing to train on
		{"score", "--embeddings", dir, "--trials", trials, "--backend-model", model},                                           // cosine with a file
		{"score", "--embeddings", dir, "--trials", trials, "--backend", "lda", "--backend-model", model},                       // unknown back-end
		{"cluster", "--embeddings", dir, "--oracle", "--backend", "plda", "--backend-model", model, "--distance", "euclidean"}, // distance with a back-end
		{"score", "--embeddings", dir, "--trials", trials, "--backend", "plda", "--backend-model", model, "--mean-subtract"},   // mean twice
	} {
		if _, _, code := run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestEvalASNormCLI runs eval with AS-norm on top of the norm back-end, the
// cohort being the back-end's training speakers (as scripts/realeval.sh
// does), and checks the exit codes of bad cohorts and --topk values.
func TestEvalASNormCLI(t *testing.T) {
	dir, trials := evalFixture(t)
	train := backendTrainSet(t)
	out := t.TempDir()
	run := runCLI3
	evalArgs := func(extra ...string) []string {
		return append([]string{"eval", "--embeddings", dir, "--dev", dir, "--out", filepath.Join(out, "report"),
			"--backend", "norm", "--backend-train", train, "--asnorm-cohort", train}, extra...)
	}
	so, se, code := run(evalArgs("--topk", "10")...)
	if code != 0 || !strings.Contains(so, "AS-norm: cohort "+train+" (60 utterances), top 10 per side") || !strings.Contains(so, "EER 0.00%") {
		t.Fatalf("eval --asnorm-cohort: %d %s %s", code, so, se)
	}
	so, se, code = run(evalArgs("--trials", trials, "--topk", "0", "--json")...)
	if code != 0 || !strings.Contains(so, `"as_norm": {`) || !strings.Contains(so, `"top_k": 0`) || !strings.Contains(so, `"trials": 4`) {
		t.Errorf("eval --asnorm-cohort --trials --json: %d %s %s", code, so, se)
	}
	other := filepath.Join(out, "other")
	if err := vecio.WriteDir(other, []string{"a", "b"}, []float32{1, 2, 3, 4}, 2, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(out, "empty")
	os.MkdirAll(empty, 0o755)
	os.WriteFile(filepath.Join(empty, vecio.ScpFile), nil, 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"negative top-k", evalArgs("--topk", "-1"), exitUsage, "--topk must be >= 0"},
		{"dimension", []string{"eval", "--embeddings", dir, "--out", filepath.Join(out, "r"), "--asnorm-cohort", other}, exitData, other + " has dimension 2"},
		{"empty cohort", []string{"eval", "--embeddings", dir, "--out", filepath.Join(out, "r"), "--asnorm-cohort", empty}, exitData, empty},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, se, code := run(c.args...); code != c.code || !strings.Contains(se, c.says) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, se, c.code, c.says)
			}
		})
	}
}
