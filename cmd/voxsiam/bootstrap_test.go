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

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// noisyFixture writes 10 speakers x 4 utterances whose embeddings overlap
// (EER well above 0) and a Kaldi trial list of all pairs.
func noisyFixture(t *testing.T) (dir, trials string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "emb")
	rng := rand.New(rand.NewPCG(9, 9))
	var ids []string
	var emb []float32
	u2s := map[string]string{}
	for s := range 10 {
		c := make([]float64, 6)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		for u := range 4 {
			id := fmt.Sprintf("spk%d-%d", s, u)
			ids, u2s[id] = append(ids, id), fmt.Sprintf("spk%d", s)
			for j := range c {
				emb = append(emb, float32(c[j]+(0.4+0.1*float64(s))*rng.NormFloat64()))
			}
		}
	}
	if err := vecio.WriteDir(dir, ids, emb, 6, vecio.WriteOptions{Utt2Spk: u2s}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			lab := "nontarget"
			if u2s[ids[i]] == u2s[ids[j]] {
				lab = "target"
			}
			fmt.Fprintf(&b, "%s %s %s\n", ids[i], ids[j], lab)
		}
	}
	trials = filepath.Join(root, "trials")
	if err := os.WriteFile(trials, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, trials
}

// TestBootstrapCLI: eval and score print the interval and put it in
// --json; the score command's interval is eval.Bootstrap of its own
// scores with the utterances' speakers (seed 1, 1000 resamples).
func TestBootstrapCLI(t *testing.T) {
	dir, trials := noisyFixture(t)
	out := t.TempDir()
	run := func(args ...string) (string, int) {
		var so, se bytes.Buffer
		err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam"}, args...))
		return so.String(), exitCode(context.Background(), err)
	}
	scores := filepath.Join(out, "scores.txt")
	so, code := run("score", "--embeddings", dir, "--trials", trials, "--out", scores, "--json")
	var res struct {
		EER       float64
		Bootstrap *eval.BootstrapResult
	}
	if code != 0 || json.Unmarshal([]byte(so), &res) != nil || res.Bootstrap == nil {
		t.Fatalf("score --json: code %d, %s", code, so)
	}
	b, err := os.ReadFile(scores)
	if err != nil {
		t.Fatal(err)
	}
	var sc []float64
	var tg []bool
	var a, bb []int
	spk := func(utt string) int { var s, u int; fmt.Sscanf(utt, "spk%d-%d", &s, &u); return s }
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var u1, u2, lab string
		var s float64
		if _, err := fmt.Sscanf(line, "%s %s %g %s", &u1, &u2, &s, &lab); err != nil {
			t.Fatalf("score line %q: %v", line, err)
		}
		sc, tg, a, bb = append(sc, s), append(tg, lab == "target"), append(a, spk(u1)), append(bb, spk(u2))
	}
	want := eval.Bootstrap(sc, tg, a, bb, eval.BootstrapB, 1)
	const tol = 1e-5 // the score file's 6 decimals
	if g := res.Bootstrap; g.Speakers != 10 || g.B != eval.BootstrapB || abs(g.EER.Lo-want.EER.Lo) > tol || abs(g.EER.Hi-want.EER.Hi) > tol {
		t.Errorf("score bootstrap %+v, from its scores %+v", *g, want)
	}
	if !(res.Bootstrap.EER.Lo < res.EER && res.EER < res.Bootstrap.EER.Hi) {
		t.Errorf("EER %v outside %+v", res.EER, res.Bootstrap.EER)
	}
	so, code = run("score", "--embeddings", dir, "--trials", trials, "--out", scores)
	if wantLine := fmt.Sprintf("EER %.2f%% [%.2f, %.2f]", 100*res.EER, 100*res.Bootstrap.EER.Lo, 100*res.Bootstrap.EER.Hi); code != 0 || !strings.Contains(so, wantLine) {
		t.Errorf("score: %d %q, want %q", code, so, wantLine)
	}
	// eval on the same trials: the same interval (same scores and seed).
	so, code = run("eval", "--embeddings", dir, "--trials", trials, "--out", filepath.Join(out, "r"))
	if wantLine := fmt.Sprintf("[%.2f, %.2f]", 100*res.Bootstrap.EER.Lo, 100*res.Bootstrap.EER.Hi); code != 0 || !strings.Contains(so, wantLine) {
		t.Errorf("eval: %d %q, want %q", code, so, wantLine)
	} else if md, _ := os.ReadFile(filepath.Join(out, "r", "report.md")); !strings.Contains(string(md), wantLine) || !strings.Contains(string(md), "interval over speakers (10 speakers, 1000 resamples") {
		t.Errorf("report.md has no interval %q:\n%s", wantLine, md)
	}
	// all pairs (no trial list): the interval is there too, in --json.
	so, code = run("eval", "--embeddings", dir, "--out", filepath.Join(out, "r2"), "--json", "--bootstrap", "200")
	var rep struct {
		Verification struct{ Bootstrap *eval.BootstrapResult }
	}
	if code != 0 || json.Unmarshal([]byte(so), &rep) != nil || rep.Verification.Bootstrap == nil || rep.Verification.Bootstrap.B != 200 || rep.Verification.Bootstrap.Speakers != 10 {
		t.Errorf("eval --json --bootstrap 200: %d %s", code, so[:min(len(so), 400)])
	}
	if so, code = run("eval", "--embeddings", dir, "--out", filepath.Join(out, "r3"), "--bootstrap", "0"); code != 0 || strings.Contains(so, "EER") && strings.Contains(so, "% [") {
		t.Errorf("eval --bootstrap 0: %d %s", code, so)
	}
	if _, code = run("eval", "--embeddings", dir, "--out", filepath.Join(out, "r4"), "--bootstrap", "-1"); code != exitUsage {
		t.Errorf("eval --bootstrap -1: exit %d, want %d", code, exitUsage)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
