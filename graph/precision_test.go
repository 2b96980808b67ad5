package graph

import (
	"encoding/json"
	"math"
	mathrand "math/rand"
	"math/rand/v2"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

func TestQuantizeColumns(t *testing.T) {
	// by hand: column 0 max |w| = 2.54 -> scale 0.02; column 1 all zero -> scale 1;
	// column 2 max 1.27 -> scale 0.01, 0.006/0.01 = 0.6 rounds to 1
	w := []float32{2.54, 0, -1.27, -1, 0, 0.006}
	q, s := make([]int8, 6), make([]float32, 3)
	QuantizeColumns(q, s, w, 2, 3)
	wantQ := []int8{127, 0, -127, -50, 0, 1}
	wantS := []float32{0.02, 1, 0.01}
	for i := range wantQ {
		if q[i] != wantQ[i] {
			t.Errorf("q = %v, want %v", q, wantQ)
			break
		}
	}
	for j := range wantS {
		if math.Abs(float64(s[j]-wantS[j])) > 1e-7 {
			t.Errorf("scale = %v, want %v", s, wantS)
		}
	}
	for i, v := range w { // round-trip error at most scale/2
		if d := math.Abs(float64(q[i])*float64(s[i%3]) - float64(v)); d > float64(s[i%3])/2+1e-7 {
			t.Errorf("w[%d] = %g: dequantised off by %g", i, v, d)
		}
	}
}

func TestInt8TrainRejected(t *testing.T) {
	c := tinyConfig("float32")
	c.Precision = "int8"
	if _, err := Build(c, Train); err == nil {
		t.Fatal("Build(Train) with precision int8: want error")
	}
	if _, err := Build(c, Inference); err != nil {
		t.Fatalf("Build(Inference) with precision int8: %v", err)
	}
}

// precisionConfig is a small network on the contract's 40x128 input.
func precisionConfig() Config {
	return Config{Frames: 40, Bins: 128, LSTM1: 24, LSTM2: 16, Speakers: 6, Seed: 5, LearningRate: 1e-2}
}

// precisionCheckpoint trains cfg (fp32) for a few Adam steps on random
// data, so the weights are not the initial ones, and checkpoints it.
func precisionCheckpoint(t *testing.T, cfg Config) string {
	t.Helper()
	m, s := session(t, cfg.WithDefaults(), Train)
	x, lab := randomBatch(t, m.Config, 12, rand.New(rand.NewPCG(3, 3)))
	for i := 0; i < 8; i++ {
		run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab}, nil, m.TrainOp)
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt-8")
	if err := m.Save(s, ckpt); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

// embedAt loads ckpt in precision p and returns the embeddings of x and
// the model.
func embedAt(t *testing.T, cfg Config, p, ckpt string, x *tf.Tensor) ([][]float32, *Model) {
	t.Helper()
	cfg.Precision = p
	m, s, err := LoadInference(cfg, ckpt, SessionOptions{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return run(t, s, map[tf.Output]*tf.Tensor{m.Input: x}, []tf.Output{m.Embedding})[0].Value().([][]float32), m
}

// matmulTypes counts the MatMul ops of g by output dtype.
func matmulTypes(g *tf.Graph) map[tf.DataType]int {
	n := map[tf.DataType]int{}
	for _, o := range g.Operations() {
		if o.Type() == "MatMul" {
			n[o.Output(0).DataType()]++
		}
	}
	return n
}

// TestReducedPrecisionEmbeddings is the quality guard of extraction: the
// same checkpoint and input through fp32, bf16 and int8 Inference graphs.
// Bounds: bf16 cosine >= 0.999 (issue 14); int8 >= 0.995 (stated in
// graph/doc.go; measured min 0.99997 here, bf16 0.99999). Each reduced graph must
// really differ from fp32 (not a silent fp32 fallback).
func TestReducedPrecisionEmbeddings(t *testing.T) {
	cfg := precisionConfig()
	ckpt := precisionCheckpoint(t, cfg)
	x, _ := randomBatch(t, cfg.WithDefaults(), 16, rand.New(rand.NewPCG(9, 9)))
	ref, _ := embedAt(t, cfg, "fp32", ckpt, x)
	for _, c := range []struct {
		precision string
		minCos    float64
	}{{"bf16", 0.999}, {"int8", 0.995}} {
		t.Run(c.precision, func(t *testing.T) {
			got, m := embedAt(t, cfg, c.precision, ckpt, x)
			checkPrecisionGraph(t, m)
			worst, maxDiff := 1.0, 0.0
			for i := range ref {
				worst = math.Min(worst, cosine(ref[i], got[i]))
				for j := range ref[i] {
					maxDiff = math.Max(maxDiff, math.Abs(float64(ref[i][j]-got[i][j])))
				}
			}
			t.Logf("%s vs fp32: min cosine %.6f, max abs diff %.3g (%d embeddings)", c.precision, worst, maxDiff, len(ref))
			if maxDiff == 0 {
				t.Errorf("%s embeddings identical to fp32: reduced precision not in effect", c.precision)
			}
			if worst < c.minCos {
				t.Errorf("%s: min cosine to fp32 %.6f < %g", c.precision, worst, c.minCos)
			}
		})
	}
}

// checkPrecisionGraph checks the op types of a reduced-precision graph:
// bf16 has only bfloat16 MatMuls; int8 has int8 kernels and no MatMul
// (its products are QuantizedMatMulWithBias: TestInt8GraphUsesInt8Products).
func checkPrecisionGraph(t *testing.T, m *Model) {
	t.Helper()
	mm := matmulTypes(m.Graph)
	int8s := 0
	for _, v := range m.Vars {
		if v.DType == tf.Int8 {
			int8s++
		}
	}
	switch m.Config.Precision {
	case "bf16":
		if mm[tf.Bfloat16] == 0 || mm[tf.Float] != 0 {
			t.Errorf("bf16 graph MatMuls by dtype %v, want only bfloat16", mm)
		}
	case "int8":
		// 2 BLSTMs x 2 directions x (kernel, recurrent) + 3 dense kernels
		if int8s != 11 {
			t.Errorf("int8 graph has %d int8 variables, want 11 (8 LSTM, 3 dense kernels)", int8s)
		}
		if len(mm) != 0 {
			t.Errorf("int8 graph MatMuls by dtype %v, want none", mm)
		}
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// lossCurve trains cfg for steps Adam steps (dropout on, fed seed) on a
// fixed learnable batch (each speaker a distinct mean spectrum plus
// noise) and returns the loss of every step.
func lossCurve(t *testing.T, cfg Config, steps int) []float64 {
	t.Helper()
	m, s := session(t, cfg.WithDefaults(), Train)
	c := m.Config
	rng := rand.New(rand.NewPCG(17, 17))
	mu := make([]float64, c.Speakers*c.Bins)
	for i := range mu {
		mu[i] = rng.NormFloat64()
	}
	const n = 24
	x := make([]float32, n*c.Frames*c.Bins)
	lab := make([]int32, n)
	for i := range lab {
		lab[i] = int32(i % c.Speakers)
		for f := 0; f < c.Frames; f++ {
			for k := 0; k < c.Bins; k++ {
				x[(i*c.Frames+f)*c.Bins+k] = float32(mu[int(lab[i])*c.Bins+k] + 0.7*rng.NormFloat64())
			}
		}
	}
	xt := mustTensor(t, x)
	if err := xt.Reshape([]int64{n, int64(c.Frames), int64(c.Bins)}); err != nil {
		t.Fatal(err)
	}
	feeds := map[tf.Output]*tf.Tensor{m.Input: xt, m.Labels: mustTensor(t, lab), m.Training: mustTensor(t, true)}
	losses := make([]float64, steps)
	for i := range losses {
		feeds[m.DropoutSeed] = mustTensor(t, []int64{c.Seed, int64(i)})
		losses[i] = float64(run(t, s, feeds, []tf.Output{m.Loss}, m.TrainOp)[0].Value().(float32))
	}
	return losses
}

// TestBF16TrainingWithinSeedSpread is the quality guard of bf16 training:
// over 3 initialisation seeds and 3 windows of 10 steps, the bf16 window
// mean loss of a seed differs from the fp32 one of the same seed by no
// more than the fp32 seed-to-seed spread (max - min over seeds) of that
// window, and both learn (last window below 0.7 x first).
func TestBF16TrainingWithinSeedSpread(t *testing.T) {
	const steps, win = 30, 10
	seeds := []int64{1, 2, 3}
	curves := map[string][][]float64{}
	for _, p := range []string{"fp32", "bf16"} {
		for _, seed := range seeds {
			cfg := Config{Frames: 10, Bins: 16, LSTM1: 16, LSTM2: 16, Speakers: 4, Seed: seed, LearningRate: 5e-3, Precision: p}
			curves[p] = append(curves[p], windowMeans(lossCurve(t, cfg, steps), win))
		}
	}
	for w := 0; w < steps/win; w++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for s := range seeds {
			lo, hi = math.Min(lo, curves["fp32"][s][w]), math.Max(hi, curves["fp32"][s][w])
		}
		for s, seed := range seeds {
			f, b := curves["fp32"][s][w], curves["bf16"][s][w]
			t.Logf("window %d seed %d: fp32 %.4f bf16 %.4f (|diff| %.4f, fp32 spread %.4f)", w, seed, f, b, math.Abs(f-b), hi-lo)
			if math.Abs(f-b) > hi-lo {
				t.Errorf("window %d seed %d: |bf16 - fp32| = %.4f > fp32 seed spread %.4f", w, seed, math.Abs(f-b), hi-lo)
			}
		}
	}
	for p, cs := range curves {
		for s, c := range cs {
			if c[len(c)-1] > 0.7*c[0] {
				t.Errorf("%s seed %d does not learn: window means %v", p, seeds[s], c)
			}
		}
	}
}

func windowMeans(x []float64, win int) []float64 {
	var out []float64
	for i := 0; i+win <= len(x); i += win {
		m := 0.0
		for _, v := range x[i : i+win] {
			m += v
		}
		out = append(out, m/float64(win))
	}
	return out
}

// TestReducedPrecisionSavedModelPython: bf16 and int8 exports load in
// Python (tf.saved_model.load) and reproduce the Go session's embedding,
// distribution and pair distance (max abs diff < 1e-4; same kernels, so
// only thread-order rounding separates them). The Go side alone is
// TestReducedPrecisionEmbeddings, so without the venv nothing is built.
// Live only, no stored reference: the check is that Python TF loads the SavedModel this run writes.
func TestReducedPrecisionSavedModelPython(t *testing.T) {
	testenv.Python(t)
	cfg := precisionConfig()
	ckpt := precisionCheckpoint(t, cfg)
	const n = 3
	rng := mathrand.New(mathrand.NewSource(13))
	a, b := exportRandom(rng, n*40*128), exportRandom(rng, n*40*128)
	fa, fb := exportRaw(t, a), exportRaw(t, b)
	for _, p := range []string{"bf16", "int8"} {
		t.Run(p, func(t *testing.T) {
			c := cfg
			c.Precision = p
			m, s, err := LoadInference(c, ckpt, SessionOptions{IntraOp: 2, InterOp: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			dir := filepath.Join(t.TempDir(), "export-"+p)
			if err := ExportSavedModel(m, s, dir, nil); err != nil {
				t.Fatal(err)
			}
			want := map[string][]float32{
				"embedding":     exportFetch(t, s, map[tf.Output][]float32{m.Input: a}, n, m.Embedding),
				"distribution":  exportFetch(t, s, map[tf.Output][]float32{m.Input: a}, n, m.Distribution),
				"pair_distance": exportFetch(t, s, map[tf.Output][]float32{m.Input: a, m.InputB: b}, n, m.PairDistance),
			}
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
				t.Logf("%s %s: max abs diff python vs go %.3g", p, key, d)
				if d > 1e-4 {
					t.Errorf("%s %s: max abs diff %g > 1e-4", p, key, d)
				}
			}
		})
	}
}
