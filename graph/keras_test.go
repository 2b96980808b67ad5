package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// kerasScript builds the reference network in tf.keras (Keras 3) from the
// description in Stadelmann et al. 2018, loads the Go weights, and prints
// L3, the distribution, an independently written PKLD loss (broadcast KL,
// no matrix product) and its tf.GradientTape gradients, all flattened and
// rounded to 8 significant digits, as JSON. argv: input (JSON: x, labels, weights w in
// Go's variable order, all flat), frames bins lstm1 lstm2 dense1 dense2
// speakers margin eps.
const kerasScript = `
import json, sys, numpy as np, tensorflow as tf
d = json.loads(sys.argv[1])
T, B, U1, U2, D1, D2, S = map(int, sys.argv[2:9])
margin, eps = float(sys.argv[9]), float(sys.argv[10])
x = np.array(d["x"], np.float32).reshape(-1, T, B)
labels = np.array(d["labels"], np.int64)
L = tf.keras.layers
inp = L.Input((T, B))
bi1 = L.Bidirectional(L.LSTM(U1, return_sequences=True))
bi2 = L.Bidirectional(L.LSTM(U2))
de1, de2, out = L.Dense(D1), L.Dense(D2), L.Dense(S, activation="softmax")
l3 = bi2(L.Dropout(0.5)(bi1(inp)))
dist = out(de2(L.Dropout(0.25)(de1(l3))))
model = tf.keras.Model(inp, [l3, dist])
variables = []
for bi, din, u in ((bi1, B, U1), (bi2, 2 * U1, U2)):
    for sub in (bi.forward_layer, bi.backward_layer):
        variables += [sub.cell.kernel, sub.cell.recurrent_kernel, sub.cell.bias]
for de in (de1, de2, out):
    variables += [de.kernel, de.bias]
for v, w in zip(variables, d["w"]):
    v.assign(np.array(w, np.float32).reshape(v.shape))
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
r = lambda t: [float("%.8g" % v) for v in np.asarray(t, np.float64).ravel()]
print(json.dumps({"l3": r(e3), "dist": r(p - eps), "loss": r([loss.numpy()]),
                  "grads": [r(tf.convert_to_tensor(g)) for g in grads]}))
`

// kerasRef is kerasScript's output.
type kerasRef struct {
	L3    []float32   `json:"l3"`
	Dist  []float32   `json:"dist"`
	Loss  []float32   `json:"loss"`
	Grads [][]float32 `json:"grads"`
}

// TestKerasParity compares the Go graph with the same architecture built
// in tf.keras (weights copied from Go): forward L3 and distribution (max abs
// diff < 1e-5) and the PKLD loss (< 1e-4) and its gradient w.r.t. every
// weight (< 1e-3 of the gradient's largest entry, at most 1e-4; measured
// below 1e-4 of it), float32, for both LSTM implementations: the stored Keras
// outputs, then the live run where the venv exists. The network is tiny
// (Frames 5, Bins 4, LSTM 3, Dense 4, S 3, batch 8) and its weights are
// drawn in Go, so the stored reference is small and independent of TF's
// initializers.
func TestKerasParity(t *testing.T) {
	cfg := Config{Frames: 5, Bins: 4, LSTM1: 3, LSTM2: 3, Dense1: 4, Dense2: 4, Speakers: 3, Seed: 3}.WithDefaults()
	m, _ := session(t, cfg, Train)
	rng := rand.New(rand.NewPCG(9, 9))
	x, lab := randomBatch(t, cfg, 8, rng)
	w := map[string]*tf.Tensor{}
	names, flat, shapes := randomTrainable(m, rng, 0.5)
	for i, name := range names {
		w[name] = mustShaped(t, flat[i], shapes[i])
	}
	in, _ := json.Marshal(map[string]any{"x": flat32(x), "labels": lab.Value(), "w": flat})
	args := []string{string(in)}
	for _, v := range []any{cfg.Frames, cfg.Bins, cfg.LSTM1, cfg.LSTM2, cfg.Dense1, cfg.Dense2, cfg.Speakers, cfg.Margin, cfg.Epsilon} {
		args = append(args, fmt.Sprint(v))
	}
	testenv.Reference(t, "keras-parity", kerasScript, args, func(t *testing.T, out []byte) {
		var ref kerasRef
		if err := json.Unmarshal(out, &ref); err != nil || len(ref.Grads) != len(names) {
			t.Fatalf("keras output: %d gradients for %d weights (%v)", len(ref.Grads), len(names), err)
		}
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
				compare(t, "L3", flat32(vals[0]), ref.L3, 1e-5)
				compare(t, "distribution", flat32(vals[1]), ref.Dist, 1e-5)
				compare(t, "loss", flat32(vals[2]), ref.Loss, 1e-4)
				for i, name := range names {
					compare(t, "grad "+name, flat32(vals[3+i]), ref.Grads[i], gradTolerance(ref.Grads[i]))
				}
			})
		}
	})
}

// gradTolerance is 1e-3 of the largest |g|, at most 1e-4 and at least 1e-9.
func gradTolerance(g []float32) float64 {
	var m float64
	for _, v := range g {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return math.Max(math.Min(1e-3*m, 1e-4), 1e-9)
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
		t.Errorf("%s: max abs diff %.3g > %.2g", what, worst, tol)
	} else {
		t.Logf("%s: max abs diff %.3g (tolerance %.2g)", what, worst, tol)
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
