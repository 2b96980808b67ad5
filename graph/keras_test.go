package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio"
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// kerasScript builds the reference network in tf.keras (Keras 3) from the
// description in Stadelmann et al. 2018, loads the Go weights, and writes
// L3, the distribution, an independently written PKLD loss (broadcast KL,
// no matrix product) and its tf.GradientTape gradients, all flattened.
// argv: dir frames bins lstm1 lstm2 dense1 dense2 speakers margin eps
const kerasScript = `
import sys, numpy as np, tensorflow as tf
d = sys.argv[1]
T, B, U1, U2, D1, D2, S = map(int, sys.argv[2:9])
margin, eps = float(sys.argv[9]), float(sys.argv[10])
ld = lambda n: np.load(d + "/" + n + ".npy")
x = ld("x").reshape(-1, T, B).astype(np.float32)
labels = ld("labels").astype(np.int64)
L = tf.keras.layers
inp = L.Input((T, B))
bi1 = L.Bidirectional(L.LSTM(U1, return_sequences=True))
bi2 = L.Bidirectional(L.LSTM(U2))
de1, de2, out = L.Dense(D1), L.Dense(D2), L.Dense(S, activation="softmax")
l3 = bi2(L.Dropout(0.5)(bi1(inp)))
dist = out(de2(L.Dropout(0.25)(de1(l3))))
model = tf.keras.Model(inp, [l3, dist])
shapes = {}
variables = []
for bi, din, u in ((bi1, B, U1), (bi2, 2 * U1, U2)):
    for sub in (bi.forward_layer, bi.backward_layer):
        variables += [sub.cell.kernel, sub.cell.recurrent_kernel, sub.cell.bias]
for de in (de1, de2, out):
    variables += [de.kernel, de.bias]
for i, v in enumerate(variables):
    v.assign(ld("w%d" % i).reshape(v.shape))
n = len(labels)
same = (labels[:, None] == labels[None, :]).astype(np.float32)
upper = np.triu(np.ones((n, n), np.float32), 1)
xt = tf.constant(x)
with tf.GradientTape() as tape:
    e3, p = model(xt, training=False)
    p = p + eps
    lp = tf.math.log(p)
    kl = tf.reduce_sum(p[:, None, :] * (lp[:, None, :] - lp[None, :, :]), axis=2)
    def term(k):
        return upper * same * k + upper * (1 - same) * tf.maximum(0.0, margin - k)
    loss = tf.reduce_sum(term(kl) + term(tf.transpose(kl))) / (n * (n - 1) / 2)
grads = tape.gradient(loss, variables)
np.save(d + "/py_l3.npy", e3.numpy().ravel())
np.save(d + "/py_dist.npy", (p - eps).numpy().ravel())
np.save(d + "/py_loss.npy", np.array([loss.numpy()], np.float32))
for i, g in enumerate(grads):
    np.save(d + "/py_g%d.npy" % i, tf.convert_to_tensor(g).numpy().ravel())
`

// TestKerasParity compares the Go graph with the same architecture built
// in tf.keras (weights copied from Go): forward L3 and distribution (max abs
// diff < 1e-5) and the PKLD loss and its gradient w.r.t. every weight
// (< 1e-4), float32, Frames 10, Bins 16, LSTM 8, S 5, batch 12, for both
// LSTM implementations (one Python run serves both).
func TestKerasParity(t *testing.T) {
	testenv.Python(t)
	cfg := Config{Frames: 10, Bins: 16, LSTM1: 8, LSTM2: 8, Speakers: 5, Seed: 3}.withDefaults()
	m, s := session(t, cfg, Train)
	w, err := m.Weights(s)
	if err != nil {
		t.Fatal(err)
	}
	x, lab := randomBatch(t, cfg, 12, rand.New(rand.NewPCG(9, 9)))
	dir := t.TempDir()
	writeNpy(t, dir, "x", x)
	writeNpy(t, dir, "labels", lab)
	var names []string
	for _, v := range m.Vars {
		if v.Trainable {
			writeNpy(t, dir, fmt.Sprintf("w%d", len(names)), w[v.Name])
			names = append(names, v.Name)
		}
	}
	args := []string{dir}
	for _, v := range []any{cfg.Frames, cfg.Bins, cfg.LSTM1, cfg.LSTM2, cfg.Dense1, cfg.Dense2, cfg.Speakers, cfg.Margin, cfg.Epsilon} {
		args = append(args, fmt.Sprint(v))
	}
	testenv.RunPython(t, kerasScript, args...)
	for _, impl := range []string{"unrolled", "block"} {
		t.Run(impl, func(t *testing.T) {
			c := cfg
			c.LSTMImpl = impl
			m, s := session(t, c, Train)
			if err := m.SetWeights(s, w); err != nil {
				t.Fatal(err)
			}
			fetch := []tf.Output{m.Layers["L3"], m.Distribution, m.Loss}
			for _, name := range names {
				fetch = append(fetch, m.grads[name])
			}
			vals := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab}, fetch)
			compare(t, "L3", flat32(vals[0]), readNpy(t, dir, "py_l3"), 1e-5)
			compare(t, "distribution", flat32(vals[1]), readNpy(t, dir, "py_dist"), 1e-5)
			compare(t, "loss", flat32(vals[2]), readNpy(t, dir, "py_loss"), 1e-4)
			for i, name := range names {
				compare(t, "grad "+name, flat32(vals[3+i]), readNpy(t, dir, fmt.Sprintf("py_g%d", i)), 1e-4)
			}
		})
	}
}

// compare fails when any |got-want| > tol and logs the max abs diff.
func compare(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values from Go, %d from Keras", what, len(got), len(want))
	}
	worst := 0.0
	for i := range got {
		worst = math.Max(worst, math.Abs(float64(got[i])-float64(want[i])))
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s: max abs diff %.3g > %.1g", what, worst, tol)
	} else {
		t.Logf("%s: max abs diff %.3g", what, worst)
	}
}

// flat32 flattens a float32 tensor of rank 0..3.
func flat32(x *tf.Tensor) []float32 {
	var out []float32
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case float32:
			out = append(out, v)
		case []float32:
			out = append(out, v...)
		case [][]float32:
			for _, r := range v {
				walk(r)
			}
		case [][][]float32:
			for _, r := range v {
				walk(r)
			}
		}
	}
	walk(x.Value())
	return out
}

// writeNpy writes x flattened (float32 or int32) to dir/name.npy.
func writeNpy(t *testing.T, dir, name string, x *tf.Tensor) {
	t.Helper()
	var v any = flat32(x)
	if x.DataType() == tf.Int32 {
		v = x.Value().([]int32)
	}
	f, err := os.Create(filepath.Join(dir, name+".npy"))
	if err == nil {
		err = npyio.Write(f, v)
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// readNpy reads a flat float32 array written by the Python reference.
func readNpy(t *testing.T, dir, name string) []float32 {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v []float32
	if err := npyio.Read(f, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
