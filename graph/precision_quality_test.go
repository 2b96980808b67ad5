package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/eval"
)

// The EER/MR quality guard of reduced-precision extraction (issue 14): a
// small network is trained in fp32 on synthetic training speakers, and the
// fp32, bf16 and int8 inference graphs of its checkpoint (the graphs
// `voxsiam export --precision` writes; TestReducedPrecisionSavedModelPython
// checks the SavedModels reproduce them) embed held-out test speakers. EER
// over all utterance pairs (cosine scores, eval.EER) and the exact MR of
// complete-linkage cosine clustering cut at the true speaker count
// (eval.MR) are scored with the eval package, as `voxsiam eval` does.
//
// Tolerances, absolute, in the metric's own units:
//
//   - EER: 0.01. This is well below the measurement's own resolution: with
//     the guard's 150 target trials, the binomial standard error of the
//     fp32 EER (0.156 here) is sqrt(0.156·0.844/150) ≈ 0.03, so a
//     difference of 0.01 is a third of what re-drawing the test speakers
//     would move. Measured (2026-11-30): bf16 +0.0025, int8 +0.0006.
//   - MR: 2/60 (two of the 60 test utterances). Complete linkage cut at a
//     fixed count is discontinuous in the distances: one merge reordered
//     by a near-tie moves a whole subtree, so one utterance of slack is
//     the least a non-flaky guard can allow; two leave room for one such
//     reordering on top (docs/results/real-voices.md shows the effect
//     on 1,210 one-word recordings, where MR moved 4-8 points). Measured:
//     bf16 and int8 0 (fp32 MR 0.30).
//
// The guard must be able to fail: a deliberately broken int8 export (scale
// max|w|/64 instead of /127, a factor-two gain error in every kernel, the
// kind of bug a wrong constant makes) goes through the same check and has
// to exceed a tolerance. That case runs in every test run (measured: EER
// +0.044, MR +0.117). Per-embedding cosine bounds, the bf16 loss-curve
// spread and the gradient check are the other guards (precision_test.go,
// gradcheck_test.go).

const (
	qualEERTol = 0.01
	qualMRTol  = 2.0 / 60
)

// qualityData is a synthetic speaker set: each speaker a mean log-mel-like
// spectrum (shared base + a speaker part), frames = mean + noise.
type qualityData struct {
	frames, bins int
	mu           [][]float64 // [speaker][bin]
}

func newQualityData(frames, bins, speakers int, rng *rand.Rand) *qualityData {
	base := make([]float64, bins)
	for k := range base {
		base[k] = rng.NormFloat64()
	}
	d := &qualityData{frames: frames, bins: bins}
	for range speakers {
		m := make([]float64, bins)
		for k := range m {
			m[k] = base[k] + 0.35*rng.NormFloat64()
		}
		d.mu = append(d.mu, m)
	}
	return d
}

// segment appends one segment [frames, bins] of speaker s to dst.
func (d *qualityData) segment(dst []float32, s int, rng *rand.Rand) []float32 {
	for range d.frames {
		for k := range d.bins {
			dst = append(dst, float32(d.mu[s][k]+rng.NormFloat64()))
		}
	}
	return dst
}

func (d *qualityData) tensor(t *testing.T, x []float32) *tf.Tensor {
	xt := mustTensor(t, x)
	if err := xt.Reshape([]int64{int64(len(x) / (d.frames * d.bins)), int64(d.frames), int64(d.bins)}); err != nil {
		t.Fatal(err)
	}
	return xt
}

// qualityCheckpoint trains cfg (fp32, cfg.Speakers training speakers =
// speakers 0..cfg.Speakers-1 of d) and returns the checkpoint prefix.
func qualityCheckpoint(t *testing.T, cfg Config, d *qualityData, steps, batch int) string {
	t.Helper()
	m, s := session(t, cfg.WithDefaults(), Train)
	rng := rand.New(rand.NewPCG(21, 21))
	for step := range steps {
		var x []float32
		lab := make([]int32, batch)
		for i := range lab {
			lab[i] = int32(rng.IntN(cfg.Speakers))
			x = d.segment(x, int(lab[i]), rng)
		}
		run(t, s, map[tf.Output]*tf.Tensor{m.Input: d.tensor(t, x), m.Labels: mustTensor(t, lab),
			m.Training: mustTensor(t, true), m.DropoutSeed: mustTensor(t, []int64{cfg.Seed, int64(step)})}, nil, m.TrainOp)
	}
	ckpt := t.TempDir() + "/ckpt"
	if err := m.Save(s, ckpt); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

// qualityMetrics returns EER and MR of utterance embeddings emb [n][dim]
// with speaker labels truth (0..k-1).
func qualityMetrics(emb [][]float32, truth []int, k int) (eer, mr float64) {
	n := len(emb)
	var scores, dist []float64
	var target []bool
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c := cosine(emb[i], emb[j])
			scores, dist, target = append(scores, c), append(dist, 1-c), append(target, truth[i] == truth[j])
		}
	}
	eer, _ = eval.EER(scores, target)
	return eer, eval.MR(truth, eval.CutMaxClust(eval.Linkage(dist, n, eval.Complete), k))
}

// utteranceEmbeddings runs x (segs segments per utterance, in order)
// through the model of s and returns the mean embedding per utterance.
func utteranceEmbeddings(t *testing.T, m *Model, s *tf.Session, x *tf.Tensor, segs int) [][]float32 {
	t.Helper()
	e := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x}, []tf.Output{m.Embedding})[0].Value().([][]float32)
	out := make([][]float32, len(e)/segs)
	for u := range out {
		out[u] = make([]float32, len(e[0]))
		for _, row := range e[u*segs : (u+1)*segs] {
			for j, v := range row {
				out[u][j] += v / float32(segs)
			}
		}
	}
	return out
}

// breakScales multiplies the "<kernel>/scale" variables of an int8 model
// by f: the int8 export of a quantiser with the wrong constant.
func breakScales(t *testing.T, m *Model, s *tf.Session, f float32) {
	t.Helper()
	w, err := m.Weights(s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*tf.Tensor{}
	for name, v := range w {
		if trimScale(name) == "" {
			continue
		}
		sc := v.Value().([]float32)
		for i := range sc {
			sc[i] *= f
		}
		out[name] = mustTensor(t, sc)
	}
	if len(out) == 0 {
		t.Fatal("no scale variables in the int8 model")
	}
	if err := m.SetWeights(s, out); err != nil {
		t.Fatal(err)
	}
}

func TestReducedPrecisionEERAndMR(t *testing.T) {
	const (
		train, test = 8, 10 // speakers
		utts, segs  = 6, 3  // per test speaker; segments per utterance
	)
	cfg := Config{Frames: 20, Bins: 32, LSTM1: 32, LSTM2: 32, Speakers: train, Seed: 3, LearningRate: 5e-3}
	rng := rand.New(rand.NewPCG(11, 11))
	d := newQualityData(cfg.Frames, cfg.Bins, train+test, rng)
	ckpt := qualityCheckpoint(t, cfg, d, 60, 32)

	var x []float32
	var truth []int
	for s := range test {
		for range utts {
			truth = append(truth, s)
			for range segs {
				x = d.segment(x, train+s, rng)
			}
		}
	}
	xt := d.tensor(t, x)
	metrics := func(p string, tweak func(*Model, *tf.Session)) (eer, mr float64) {
		c := cfg
		c.Precision = p
		m, s, err := LoadInference(c, ckpt, SessionOptions{IntraOp: 2, InterOp: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if tweak != nil {
			tweak(m, s)
		}
		return qualityMetrics(utteranceEmbeddings(t, m, s, xt, segs), truth, test)
	}
	within := func(eer, mr, eer0, mr0 float64) bool {
		return math.Abs(eer-eer0) <= qualEERTol && math.Abs(mr-mr0) <= qualMRTol+1e-12
	}
	eer0, mr0 := metrics("fp32", nil)
	t.Logf("fp32: EER %.4f MR %.4f (%d test speakers, %d utterances)", eer0, mr0, test, len(truth))
	// The guard is only meaningful where the metrics can move both ways.
	if eer0 < 0.02 || eer0 > 0.3 || mr0 > 0.5 {
		t.Fatalf("fp32 EER %.4f, MR %.4f: the synthetic task is too easy or too hard for the guard", eer0, mr0)
	}
	for _, c := range []struct {
		name, precision string
		tweak           func(*Model, *tf.Session)
		wantWithin      bool
	}{
		{"bf16", "bf16", nil, true},
		{"int8", "int8", nil, true},
		{"int8 broken scale (negative control)", "int8", func(m *Model, s *tf.Session) { breakScales(t, m, s, 127.0/64) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			eer, mr := metrics(c.precision, c.tweak)
			t.Logf("%s: EER %.4f (fp32 %.4f, diff %+.4f, tol %.4f)  MR %.4f (fp32 %.4f, diff %+.4f, tol %.4f)",
				c.name, eer, eer0, eer-eer0, qualEERTol, mr, mr0, mr-mr0, qualMRTol)
			if got := within(eer, mr, eer0, mr0); got != c.wantWithin {
				if c.wantWithin {
					t.Errorf("%s: EER or MR outside the tolerance of fp32", c.name)
				} else {
					t.Errorf("%s: within the tolerance: the guard cannot tell a broken export from a good one", c.name)
				}
			}
		})
	}
}
