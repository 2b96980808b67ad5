package graph

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// exportConfig is a small network on the contract's [batch, 40, 128] input.
func exportConfig() Config {
	return Config{Frames: 40, Bins: 128, LSTM1: 6, LSTM2: 5, Speakers: 4, Seed: 3}
}

func exportSession(t *testing.T, m *Model) *tf.Session {
	t.Helper()
	s, err := m.NewSession(SessionOptions{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exportRoundTrip builds the Train graph, initialises and checkpoints it,
// restores the checkpoint into an Inference graph and exports that.
func exportRoundTrip(t *testing.T) (dir string, train, inf *Model, ts, is *tf.Session) {
	t.Helper()
	train, err := Build(exportConfig(), Train)
	if err != nil {
		t.Fatal(err)
	}
	ts = exportSession(t, train)
	if _, err := ts.Run(nil, nil, []*tf.Operation{train.Init}); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt-1")
	if err := train.Save(ts, ckpt); err != nil {
		t.Fatal(err)
	}
	if inf, err = Build(exportConfig(), Inference); err != nil {
		t.Fatal(err)
	}
	is = exportSession(t, inf)
	if err := inf.Restore(is, ckpt); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "export")
	if err := ExportSavedModel(inf, is, dir, map[string][]byte{"voxsiam.json": []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	return dir, train, inf, ts, is
}

func exportFetch(t *testing.T, s *tf.Session, feeds map[tf.Output][]float32, n int, out tf.Output) []float32 {
	t.Helper()
	fd := map[tf.Output]*tf.Tensor{}
	for o, x := range feeds {
		xt, err := tf.NewTensor(x)
		if err != nil {
			t.Fatal(err)
		}
		if err := xt.Reshape([]int64{int64(n), 40, 128}); err != nil {
			t.Fatal(err)
		}
		fd[o] = xt
	}
	r, err := s.Run(fd, []tf.Output{out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var flat []float32
	switch v := r[0].Value().(type) {
	case [][]float32:
		for _, row := range v {
			flat = append(flat, row...)
		}
	case []float32:
		flat = v
	}
	return flat
}

const exportPython = `
import json, sys
import numpy as np, tensorflow as tf
d, n = sys.argv[1], int(sys.argv[4])
a = np.fromfile(sys.argv[2], "<f4").reshape(n, 40, 128)
b = np.fromfile(sys.argv[3], "<f4").reshape(n, 40, 128)
m = tf.saved_model.load(d)
s = m.signatures
print(json.dumps({
  "embedding": s["serving_default"](spectrogram=tf.constant(a))["embedding"].numpy().ravel().tolist(),
  "distribution": s["distribution"](spectrogram=tf.constant(a))["distribution"].numpy().ravel().tolist(),
  "pair_distance": s["pair_distance"](spectrogram_a=tf.constant(a), spectrogram_b=tf.constant(b))["pair_distance"].numpy().ravel().tolist(),
}))
`

// TestExportSavedModelPython: the in-training graph's embedding and
// distribution (dropout off) and the Inference graph's pair distance must be
// reproduced by Python TF loading the export (max abs diff < 1e-5), and
// saved_model_cli must show its signatures.
// Live only, no stored reference: the check is that Python TF loads the SavedModel this run writes.
func TestExportSavedModelPython(t *testing.T) {
	dir, train, inf, ts, is := exportRoundTrip(t)
	const n = 3
	rng := rand.New(rand.NewSource(11))
	a, b := exportRandom(rng, n*40*128), exportRandom(rng, n*40*128)
	want := map[string][]float32{
		"embedding":     exportFetch(t, ts, map[tf.Output][]float32{train.Input: a}, n, train.Embedding),
		"distribution":  exportFetch(t, ts, map[tf.Output][]float32{train.Input: a}, n, train.Distribution),
		"pair_distance": exportFetch(t, is, map[tf.Output][]float32{inf.Input: a, inf.InputB: b}, n, inf.PairDistance),
	}
	if e := want["embedding"]; e[0] == e[1] && e[1] == e[len(e)-1] {
		t.Fatalf("degenerate reference embedding %v", e[:3])
	}
	py := testenv.Python(t)
	fa, fb := exportRaw(t, a), exportRaw(t, b)
	var got map[string][]float32
	if err := json.Unmarshal(testenv.RunPython(t, exportPython, dir, fa, fb, "3"), &got); err != nil {
		t.Fatal(err)
	}
	for key, w := range want {
		g := got[key]
		if len(g) != len(w) || len(w) == 0 {
			t.Fatalf("%s: python gave %d values, go %d", key, len(g), len(w))
		}
		d := 0.0
		for i := range w {
			d = math.Max(d, math.Abs(float64(g[i]-w[i])))
		}
		t.Logf("%s: max abs diff python vs go %.3g", key, d)
		if d > 1e-5 {
			t.Errorf("%s: max abs diff %g > 1e-5", key, d)
		}
	}
	cli := filepath.Join(filepath.Dir(py), "saved_model_cli")
	out, err := exec.Command(cli, "show", "--all", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("saved_model_cli: %v\n%s", err, out)
	}
	for _, want := range []string{"inputs['spectrogram'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, 40, 128)",
		"outputs['embedding'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, 10)",
		"inputs['spectrogram_b']", "outputs['pair_distance']", "outputs['distribution']"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("saved_model_cli output lacks %q:\n%s", want, out)
		}
	}
}

func exportRandom(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func exportRaw(t *testing.T, x []float32) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "x*.f32")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := binary.Write(f, binary.LittleEndian, x); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func TestExportSavedModelNeedsInference(t *testing.T) {
	m, err := Build(Config{Frames: 4, Bins: 3, LSTM1: 2, LSTM2: 2, Speakers: 2}, Train)
	if err != nil {
		t.Fatal(err)
	}
	s := exportSession(t, m)
	if err := ExportSavedModel(m, s, filepath.Join(t.TempDir(), "x"), nil); err == nil {
		t.Fatal("exporting a Train-mode model: want error")
	}
}
