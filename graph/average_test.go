package graph

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// averageScript prints the element-wise mean of the weight sets in argv[1]
// (JSON: {"ckpts": [{name: flat values}, ...]}) as numpy computes it in
// float64 and rounds to float32, 9 significant digits, as {name: flat}.
const averageScript = `
import json, sys, numpy as np
d = json.loads(sys.argv[1])["ckpts"]
out = {n: [float("%.9g" % v) for v in np.mean(np.stack([np.array(c[n], np.float32).astype(np.float64) for c in d]), axis=0).astype(np.float32)] for n in d[0]}
print(json.dumps(out))
`

// TestAverageCheckpoints saves three Train checkpoints with random model
// weights and checks AverageCheckpoints, which restores them into the
// Inference graph, against numpy's mean of the same values (stored, then
// live where the venv is): equal to 1e-7 relative (float32 rounding).
func TestAverageCheckpoints(t *testing.T) {
	cfg := Config{Frames: 5, Bins: 4, LSTM1: 3, LSTM2: 3, Dense1: 4, Dense2: 4, Speakers: 3, Seed: 5}.WithDefaults()
	m, s := session(t, cfg, Train)
	rng := rand.New(rand.NewPCG(8, 1))
	dir := t.TempDir()
	var prefixes []string
	var sets []map[string][]float32
	for k := range 3 {
		set, feed := map[string][]float32{}, map[string]*tf.Tensor{}
		names, flat, shapes := randomTrainable(m, rng, 0.5)
		for i, name := range names {
			set[name], feed[name] = flat[i], mustShaped(t, flat[i], shapes[i])
		}
		if err := m.SetWeights(s, feed); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "ckpt-"+strconv.Itoa(k))
		if err := m.Save(s, p); err != nil {
			t.Fatal(err)
		}
		prefixes, sets = append(prefixes, p), append(sets, set)
	}
	got, err := AverageCheckpoints(cfg, prefixes)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{"ckpts": sets})
	testenv.Reference(t, "average-checkpoints", averageScript, []string{string(in)}, func(t *testing.T, out []byte) {
		var ref map[string][]float32
		if err := json.Unmarshal(out, &ref); err != nil || len(ref) != len(sets[0]) {
			t.Fatalf("reference output: %d weights for %d (%v)", len(ref), len(sets[0]), err)
		}
		if len(got) != len(ref) {
			t.Errorf("averaged %d weights, want the %d model weights", len(got), len(ref))
		}
		for name, want := range ref {
			g, ok := got[name]
			if !ok {
				t.Errorf("%s: not averaged", name)
				continue
			}
			v, err := float32s(g)
			if err != nil || len(v) != len(want) {
				t.Fatalf("%s: %d values (%v), want %d", name, len(v), err, len(want))
			}
			for i := range want {
				if d := math.Abs(float64(v[i] - want[i])); d > 1e-7*math.Max(1, math.Abs(float64(want[i]))) {
					t.Fatalf("%s[%d] = %g, numpy %g", name, i, v[i], want[i])
				}
			}
		}
	})
	if _, err := AverageCheckpoints(cfg, nil); err == nil {
		t.Error("no checkpoints: no error")
	}
	if _, err := AverageCheckpoints(cfg, []string{prefixes[0], filepath.Join(dir, "ckpt-9")}); err == nil {
		t.Error("a missing checkpoint: no error")
	}
}

// TestExportAverageOfOneCheckpoint: the mean of a checkpoint with itself
// is that checkpoint, so the averaging path (loadInference of two prefixes) must serve the
// embeddings of LoadInference bit for bit, in fp32 and in int8 (where both
// quantise the same float weights).
func TestExportAverageOfOneCheckpoint(t *testing.T) {
	base := Config{Frames: 5, Bins: 4, LSTM1: 3, LSTM2: 3, Dense1: 4, Dense2: 4, Speakers: 3, Seed: 6}.WithDefaults()
	m, s := session(t, base, Train)
	p := filepath.Join(t.TempDir(), "ckpt-1")
	if err := m.Save(s, p); err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 2*5*4)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	in, _ := tf.NewTensor(x)
	if err := in.Reshape([]int64{2, 5, 4}); err != nil {
		t.Fatal(err)
	}
	for _, prec := range []string{"fp32", "int8"} {
		cfg := base
		cfg.Precision = prec
		embed := func(m *Model, s *tf.Session) []float32 {
			out, err := s.Run(map[tf.Output]*tf.Tensor{m.Input: in}, []tf.Output{m.Embedding}, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := float32s(out[0])
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		m1, s1, err := LoadInference(cfg, p, SessionOptions{IntraOp: 1, InterOp: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer s1.Close()
		m2, s2, err := loadInference(cfg, []string{p, p}, SessionOptions{IntraOp: 1, InterOp: 1}, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		a, b := embed(m1, s1), embed(m2, s2)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: embedding[%d] = %g averaged, %g restored", prec, i, b[i], a[i])
			}
		}
	}
}
