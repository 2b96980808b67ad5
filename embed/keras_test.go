package embed

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// kerasScript builds a small BLSTM speaker net in Python (BLSTM 8 with
// sequences -> BLSTM 6 last output -> Dense 5), exports it as a SavedModel
// with the API named in argv[2], runs it on argv[3] (float32 [4, 40, 16])
// and writes the outputs to argv[4] (float32 [4, 5]).
const kerasScript = `
import sys, numpy as np, tensorflow as tf
out, api, xin, yout = sys.argv[1:5]
x = np.fromfile(xin, "<f4").reshape(4, 40, 16)
if api == "keras3_export":
    k = tf.keras
else:
    import tf_keras as k
tf.random.set_seed(5)
inp = k.Input(shape=(40, 16), name="spectrogram")
h = k.layers.Bidirectional(k.layers.LSTM(8, return_sequences=True))(inp)
h = k.layers.Bidirectional(k.layers.LSTM(6))(h)
model = k.Model(inp, k.layers.Dense(5)(h))
if api == "keras3_export":
    model.export(out)
else:
    tf.saved_model.save(model, out)
model(x).numpy().astype("<f4").tofile(yout)
`

// TestLoadModelKeras: a SavedModel exported by Keras loads in Go and
// reproduces Keras' own forward pass.
// Live only, no stored reference: the model under test is built and exported by Keras in Python at run time.
func TestLoadModelKeras(t *testing.T) {
	x := make([]float32, 4*40*16)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) * 2
	}
	for _, api := range []string{"keras3_export"} {
		t.Run(api, func(t *testing.T) {
			dir := t.TempDir()
			model, xin, yout := filepath.Join(dir, "model"), filepath.Join(dir, "x.f32"), filepath.Join(dir, "y.f32")
			writeF32(t, xin, x)
			testenv.RunPython(t, kerasScript, model, api, xin, yout)
			want := readF32(t, yout)
			m, err := LoadModel(model, Options{IntraOp: 2, InterOp: 1, Batch: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Frames != 40 || m.Bins != 16 || m.Dim != 5 {
				t.Errorf("shape from signature: frames %d bins %d dim %d, want 40 16 5", m.Frames, m.Bins, m.Dim)
			}
			got, dim, err := m.Embed(x, 4)
			if err != nil {
				t.Fatal(err)
			}
			// Reference: Keras' own forward pass in Python (model(x)).
			if dim != 5 || len(got) != len(want) {
				t.Fatalf("got %d values dim %d, want %d dim 5", len(got), dim, len(want))
			}
			d := 0.0
			for i := range want {
				d = math.Max(d, math.Abs(float64(got[i]-want[i])))
			}
			t.Logf("max abs diff Go vs Keras: %.3g", d)
			if d > 1e-5 {
				t.Errorf("max abs diff %g > 1e-5", d)
			}
			for _, bad := range []Options{{SignatureKey: "nope"}, {InputName: "nope"}, {OutputName: "nope"}, {Device: "tpu"}} {
				if m2, err := LoadModel(model, bad); err == nil {
					m2.Close()
					t.Errorf("LoadModel(%+v): want error", bad)
				}
			}
		})
	}
}

func writeF32(t *testing.T, path string, x []float32) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := binary.Write(f, binary.LittleEndian, x); err != nil {
		t.Fatal(err)
	}
}

func readF32(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}
