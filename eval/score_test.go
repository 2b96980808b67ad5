package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestReadTrials parses the VoxCeleb, Kaldi and WeSpeaker layouts and maps
// VoxCeleb wav paths to utterance ids.
func TestReadTrials(t *testing.T) {
	p := filepath.Join(t.TempDir(), "trials")
	os.WriteFile(p, []byte("1 id1/a/00001.wav id1/b/00002.wav\n0 id1/a/00001.wav id2/c/00003.wav\nu1 u2 nontarget\nu1 u2 0.5 target\nu1 u2\n"), 0o644)
	tr, err := ReadTrials(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 0, 0, 1, -1}
	for i, w := range want {
		if tr[i].Target != w {
			t.Errorf("trial %d target %d, want %d", i, tr[i].Target, w)
		}
	}
	r := NewResolver([]string{"id1/a/00001", "id1-b-00002"})
	if i, ok := r.Lookup(tr[0].Enroll); !ok || i != 0 {
		t.Errorf("lookup %s = %d %v", tr[0].Enroll, i, ok)
	}
	if i, ok := r.Lookup(tr[0].Test); !ok || i != 1 {
		t.Errorf("lookup %s = %d %v", tr[0].Test, i, ok)
	}
	os.WriteFile(p, []byte("u1 u2 maybe yes\n"), 0o644)
	if _, err := ReadTrials(p); err == nil {
		t.Error("bad label accepted")
	}
}

// TestASNormMatchesNumpy compares cosine scoring with mean subtraction and
// AS-norm (top-k) with a numpy implementation of the WeSpeaker formula.
func TestASNormMatchesNumpy(t *testing.T) {
	const dim = 8
	emb := randomData(10, dim, 11)
	cohort := randomData(30, dim, 12)
	s := &Scorer{Metric: Cosine, Emb: emb, Dim: dim, Mean: MeanOf(cohort, dim), Cohort: cohort, TopK: 7}
	var got []float64
	for i := 0; i < 10; i++ {
		for j := i + 1; j < 10; j++ {
			got = append(got, s.Score(i, j))
		}
	}
	script := `
import sys, json, numpy as np
e = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64).reshape(10, -1)
c = np.array(json.loads(sys.argv[2]), dtype=np.float32).astype(np.float64).reshape(30, -1)
m = c.mean(axis=0); e = e - m; c = c - m
def cos(a, b): return a @ b.T / np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))
s = cos(e, e); top = -np.sort(-cos(e, c), axis=1)[:, :7]
mu, sd = top.mean(axis=1), top.std(axis=1)
out = [0.5 * ((s[i, j] - mu[i]) / sd[i] + (s[i, j] - mu[j]) / sd[j]) for i in range(10) for j in range(i + 1, 10)]
print(json.dumps(out))
`
	testenv.Reference(t, "asnorm", script, []string{floatsJSON(emb), floatsJSON(cohort)}, func(t *testing.T, out []byte) {
		var want []float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-5 {
				t.Fatalf("score %d = %v, numpy %v", k, got[k], want[k])
			}
		}
	})
}

// TestASNormBackendMatchesNumpy checks the scores `voxsiam eval` gives with
// --backend norm and an AS-norm cohort of the back-end's own training
// speakers against a numpy transcription of WeSpeaker's recipe (training
// mean subtracted, unit length, cosine; top-9 cohort scores per side,
// population std, the two sides' z-scores averaged), all pairs in
// condensed order.
func TestASNormBackendMatchesNumpy(t *testing.T) {
	const dim, topK = 8, 9
	train, labels := gaussianSpeakers(10, 4, dim, 3, 21)
	emb, elab := gaussianSpeakers(4, 3, dim, 3, 22)
	b, err := FitBackend(BackendNorm, train, dim, labels, BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := &Scorer{Emb: emb, Dim: dim, Backend: b, Cohort: train, TopK: topK}
	got, same := s.PairScores(elab)
	var targets int
	for _, v := range same {
		if v {
			targets++
		}
	}
	if len(got) != 12*11/2 || targets != 4*3 {
		t.Fatalf("%d pair scores, %d targets; want 66 and 12", len(got), targets)
	}
	script := `
import sys, json, numpy as np
e = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64).reshape(12, -1)
c = np.array(json.loads(sys.argv[2]), dtype=np.float32).astype(np.float64).reshape(40, -1)
m = c.mean(axis=0)
def unit(x): x = x - m; return x / np.linalg.norm(x, axis=1, keepdims=True)
e, c = unit(e), unit(c)
s = e @ e.T
top = -np.sort(-(e @ c.T), axis=1)[:, :9]
mu, sd = top.mean(axis=1), top.std(axis=1)
n = len(e)
print(json.dumps([0.5 * ((s[i, j] - mu[i]) / sd[i] + (s[i, j] - mu[j]) / sd[j]) for i in range(n) for j in range(i + 1, n)]))
`
	testenv.Reference(t, "asnorm-norm-backend", script, []string{floatsJSON(emb), floatsJSON(train)}, func(t *testing.T, out []byte) {
		var want []float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(got) {
			t.Fatalf("numpy gives %d scores, voxsiam %d", len(want), len(got))
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-9*math.Max(1, math.Abs(want[k])) {
				t.Fatalf("pair %d: %v, numpy %v", k, got[k], want[k])
			}
		}
	})
}
