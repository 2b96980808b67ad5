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

// clipScript applies tf.clip_by_global_norm to the gradients in argv[1]
// (JSON: g, flat per weight, in Go's variable order; shapes) for each clip
// norm of argv[2] (comma-separated) and prints, per clip norm, the global
// norm it used and the clipped gradients (8 significant digits), as JSON.
const clipScript = `
import json, sys, numpy as np, tensorflow as tf
d = json.loads(sys.argv[1])
gs = [tf.constant(np.array(g, np.float32).reshape(s)) for g, s in zip(d["g"], d["shapes"])]
r = lambda t: [float("%.8g" % v) for v in np.asarray(t, np.float64).ravel()]
out = []
for c in sys.argv[2].split(","):
    clipped, norm = tf.clip_by_global_norm(gs, float(c))
    out.append({"norm": float("%.8g" % norm.numpy()), "g": [r(g) for g in clipped]})
print(json.dumps(out))
`

// TestClipByGlobalNorm feeds the same random gradients to the gradient
// outputs of Train graphs with clip_norm 1 (below their norm, so they are
// scaled) and 1000 (above it, so they pass unchanged) and compares the
// "grad_norm" output and the gradients Adam applies with
// tf.clip_by_global_norm (stored output, then live where the venv is):
// relative 1e-6 on the norm, 1e-6 of the largest gradient on each value.
// Without clipping the gradients must pass bit for bit.
func TestClipByGlobalNorm(t *testing.T) {
	base := Config{Frames: 5, Bins: 4, LSTM1: 3, LSTM2: 3, Dense1: 4, Dense2: 4, Speakers: 3, Seed: 3}.WithDefaults()
	m0, _ := session(t, base, Train)
	rng := rand.New(rand.NewPCG(4, 2))
	names, flat, shapes := randomTrainable(m0, rng, 0.3)
	clips := []float64{1, 1000}
	in, _ := json.Marshal(map[string]any{"g": flat, "shapes": shapes})
	testenv.Reference(t, "clip-by-global-norm", clipScript, []string{string(in), "1,1000"}, func(t *testing.T, out []byte) {
		var ref []struct {
			Norm float64     `json:"norm"`
			G    [][]float32 `json:"g"`
		}
		if err := json.Unmarshal(out, &ref); err != nil || len(ref) != len(clips) {
			t.Fatalf("reference output: %d results for %d clip norms (%v)", len(ref), len(clips), err)
		}
		for k, c := range clips {
			t.Run(fmt.Sprint("clip_norm=", c), func(t *testing.T) {
				cfg := base
				cfg.ClipNorm = c
				m, s := session(t, cfg, Train)
				feeds := map[tf.Output]*tf.Tensor{}
				fetch := []tf.Output{m.GradNorm}
				for i, name := range names {
					feeds[m.grads[name]] = mustShaped(t, flat[i], shapes[i])
					fetch = append(fetch, m.clipped[name])
				}
				vals := run(t, s, feeds, fetch)
				norm := float64(vals[0].Value().(float32))
				if d := math.Abs(norm-ref[k].Norm) / ref[k].Norm; d > 1e-6 {
					t.Errorf("grad_norm %.8g, tf.clip_by_global_norm %.8g (relative difference %.2g)", norm, ref[k].Norm, d)
				}
				if c < norm == (k == 1) {
					t.Fatalf("clip norm %g against gradient norm %g: the test needs clipping for the first and none for the second", c, norm)
				}
				for i, name := range names {
					got := flat32(vals[1+i])
					compare(t, "clipped "+name, got, ref[k].G[i], 1e-6*maxAbs(ref[k].G[i]))
					if c > norm {
						for j := range got {
							if got[j] != flat[i][j] {
								t.Fatalf("%s[%d]: %g passed through a clip above the norm as %g", name, j, flat[i][j], got[j])
							}
						}
					}
				}
			})
		}
	})
}

// TestAdamAppliesClippedGradients runs one training step of a graph with
// clip_norm far below the gradients' norm: the gradients fetched in that
// step have global norm clip_norm, and Adam's first moment after it is
// (1 - beta1) times them, so Adam applied the clipped gradients.
func TestAdamAppliesClippedGradients(t *testing.T) {
	cfg := Config{Frames: 5, Bins: 4, LSTM1: 3, LSTM2: 3, Dense1: 4, Dense2: 4, Speakers: 3, Seed: 3, ClipNorm: 1e-3}.WithDefaults()
	m, s := session(t, cfg, Train)
	x, lab := randomBatch(t, cfg, 8, rand.New(rand.NewPCG(7, 7)))
	var names []string
	fetch := []tf.Output{m.GradNorm}
	for _, v := range m.Vars {
		if v.Trainable {
			names = append(names, v.Name)
			fetch = append(fetch, m.clipped[v.Name])
		}
	}
	vals := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab}, fetch, m.TrainOp)
	if n := vals[0].Value().(float32); n <= 10*float32(cfg.ClipNorm) {
		t.Fatalf("gradient norm %g: not far above clip_norm %g", n, cfg.ClipNorm)
	}
	var sq float64
	for i, name := range names {
		g := flat32(vals[1+i])
		for _, v := range g {
			sq += float64(v) * float64(v)
		}
		slot := flat32(run(t, s, nil, []tf.Output{m.byName[name+"/Adam"].Read})[0])
		want := make([]float32, len(g))
		for j := range g {
			want[j] = float32(1-cfg.Beta1) * g[j]
		}
		compare(t, "first moment of "+name, slot, want, 1e-6*maxAbs(want)+1e-12)
	}
	if n := math.Sqrt(sq); math.Abs(n-cfg.ClipNorm)/cfg.ClipNorm > 1e-5 {
		t.Errorf("clipped gradients have global norm %g, want clip_norm %g", n, cfg.ClipNorm)
	}
}

// maxAbs is the largest |v|.
func maxAbs(v []float32) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(float64(x)))
	}
	return m
}

// TestTowersClipMatchOneProcess: with clip_norm far below the gradients'
// norm, two local towers (the norm taken of the gradients summed over the
// towers) give the one-tower losses for 4 Adam steps (relative 1e-5), and
// those losses differ from the unclipped ones by 1e-3 or more, so the
// clipping is what both runs share.
func TestTowersClipMatchOneProcess(t *testing.T) {
	// learning rate 0.05: Adam is nearly invariant to the gradients' scale,
	// so clipping shows in the losses only once the steps are large
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11, ClipNorm: 1e-3, LearningRate: 0.05}
	const steps, batch = 4, 8
	m1, s1 := session(t, cfg, Train)
	want := towerLosses(t, m1, s1, steps, batch)
	plain := cfg
	plain.ClipNorm = 0
	m0, s0 := session(t, plain, Train)
	unclipped := towerLosses(t, m0, s0, steps, batch)
	effect := 0.0
	for i := range want {
		effect = math.Max(effect, math.Abs(unclipped[i]-want[i])/math.Abs(want[i]))
	}
	if effect < 1e-3 { // 100 times the towers' tolerance
		t.Fatalf("clipping moved the losses by %.2g relative at most (clipped %v, not %v): the test needs it active", effect, want, unclipped)
	}
	m, s := twoLocalTowers(t, cfg)
	compareLosses(t, want, towerLosses(t, m, s, steps, batch))
}
