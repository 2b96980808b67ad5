package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestGradientFiniteDifference compares the analytic gradient of the full
// loss (AddGradients, or the hand-wired BlockLSTMGradV2 chain) with central
// finite differences of the loss itself, element by element for every
// trainable variable (up to 16 elements per variable, chosen at random),
// in float64 on a tiny network (Frames 4, Bins 3,
// LSTM 3, S 3, batch 6), dropout active with a fixed stateless seed.
// Expected: relative error < 1e-3 (central differences with h = 1e-6 are
// accurate to ~1e-8 relative here).
func TestGradientFiniteDifference(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(*Config)
	}{
		{"pkld", func(c *Config) {}},
		{"symmetric_softplus_hinge", func(c *Config) { c.Loss, c.Hinge = "symmetric", "softplus" }},
		{"seed", func(c *Config) { c.Loss = "seed" }},
		{"seed_prelu_softplus", func(c *Config) { c.DenseActivation, c.OutputActivation, c.Loss = "prelu", "softplus", "seed" }},
		// distill.go: teacher [6, 4] random, one segment masked out
		{"pkld_relational", func(c *Config) { c.Distill, c.DistillWeight, c.TeacherDim = "relational", 2, 4 }},
		// PKLD and regression together on L3: the combination that stalled on real voices (docs/results/teacher-v2.md)
		{"pkld_regression_L3", func(c *Config) { c.Distill, c.DistillWeight, c.TeacherDim = "regression", 1, 4 }},
		{"regression_only_L4", func(c *Config) {
			zero := 0.0
			c.Distill, c.TeacherDim, c.DistillLayer, c.PKLDWeight = "regression", 4, "L4", &zero
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig("float64")
			tc.cfg(&cfg)
			checkGradients(t, cfg)
		})
	}
}

// checkGradients runs the finite-difference comparison for cfg.
func checkGradients(t *testing.T, cfg Config) {
	m, s := session(t, cfg, Train)
	x, lab := randomBatch(t, cfg, 6, rand.New(rand.NewPCG(3, 4)))
	feeds := map[tf.Output]*tf.Tensor{
		m.Input: x, m.Labels: lab,
		m.Training:    mustTensor(t, true),
		m.DropoutSeed: mustTensor(t, []int64{11, 5}),
		m.PairI:       mustTensor(t, []int32{0, 0, 1, 2, 3, 4, 5}),
		m.PairJ:       mustTensor(t, []int32{3, 1, 4, 5, 1, 2, 0}),
		m.PairSame:    mustTensor(t, []float32{1, 0, 1, 1, 0, 0, 0}),
	}
	if m.Teacher.Op != nil {
		r := rand.New(rand.NewPCG(8, 9))
		tv := make([]float64, 6*cfg.TeacherDim)
		for i := range tv {
			tv[i] = r.NormFloat64()
		}
		feeds[m.Teacher] = mustShaped(t, tv, []int64{6, int64(cfg.TeacherDim)})
		feeds[m.TeacherMask] = mustTensor(t, []float64{1, 1, 0, 1, 1, 1})
	}
	loss := func() float64 { return run(t, s, feeds, []tf.Output{m.Loss})[0].Value().(float64) }
	const h = 1e-6
	worst := 0.0
	pick := rand.New(rand.NewPCG(5, 6))
	var vars []Var
	var fetch []tf.Output
	for _, v := range m.Vars {
		if v.Trainable {
			vars = append(vars, v)
			fetch = append(fetch, m.grads[v.Name], v.Read)
		}
	}
	vals := run(t, s, feeds, fetch)
	for k, v := range vars {
		g, base := flat64(vals[2*k]), flat64(vals[2*k+1])
		for _, i := range sample(pick, len(base), 16) {
			p := append([]float64(nil), base...)
			p[i] += h
			setFlat(t, m, s, v, p)
			lp := loss()
			p[i] -= 2 * h
			setFlat(t, m, s, v, p)
			num := (lp - loss()) / (2 * h)
			rel := math.Abs(num-g[i]) / math.Max(math.Abs(num)+math.Abs(g[i]), 1e-6)
			worst = math.Max(worst, rel)
			if rel > 1e-3 {
				t.Errorf("%s[%d]: analytic %.9g, finite difference %.9g (rel %.2g)", v.Name, i, g[i], num, rel)
			}
		}
		setFlat(t, m, s, v, base)
	}
	t.Logf("worst relative error %.3g", worst)
}

// flat64 flattens a float64 tensor of any rank.
func flat64(x *tf.Tensor) []float64 {
	var out []float64
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case float64:
			out = append(out, v)
		case []float64:
			out = append(out, v...)
		case [][]float64:
			for _, r := range v {
				walk(r)
			}
		}
	}
	walk(x.Value())
	return out
}

// setFlat assigns flat values to v (float64).
func setFlat(t *testing.T, m *Model, s *tf.Session, v Var, vals []float64) {
	t.Helper()
	x := mustShaped(t, append([]float64(nil), vals...), v.Shape)
	if err := m.SetWeights(s, map[string]*tf.Tensor{v.Name: x}); err != nil {
		t.Fatal(err)
	}
}

// sample returns min(k, n) distinct indices in [0, n).
func sample(r *rand.Rand, n, k int) []int {
	p := r.Perm(n)
	return p[:min(k, n)]
}

// TestBlockGradientsMatchUnrolled checks the hand-wired BlockLSTMGradV2
// chain (BlockLSTMV2 has no float64 kernel, so no finite differences):
// with the same weights and batch, the block graph's loss and gradients
// w.r.t. every variable equal the unrolled graph's (whose gradients the
// finite-difference test verifies) within 1e-5 abs, float32, dropout on.
func TestBlockGradientsMatchUnrolled(t *testing.T) {
	cfg := Config{Frames: 6, Bins: 5, LSTM1: 4, LSTM2: 3, Speakers: 3, Seed: 2}.WithDefaults()
	mu, su := session(t, cfg, Train)
	cfg.LSTMImpl = "block"
	mb, sb := session(t, cfg, Train)
	w, err := mu.Weights(su)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.SetWeights(sb, w); err != nil {
		t.Fatal(err)
	}
	x, lab := randomBatch(t, cfg, 8, rand.New(rand.NewPCG(7, 7)))
	eval := func(m *Model, s *tf.Session) []*tf.Tensor {
		fetch := []tf.Output{m.Loss, m.Layers["L1"], m.Layers["L3"]}
		for _, v := range m.Vars {
			if v.Trainable {
				fetch = append(fetch, m.grads[v.Name])
			}
		}
		return run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab,
			m.Training: mustTensor(t, true), m.DropoutSeed: mustTensor(t, []int64{4, 2})}, fetch)
	}
	gu, gb := eval(mu, su), eval(mb, sb)
	names := []string{"loss", "L1", "L3"}
	for _, v := range mu.Vars {
		if v.Trainable {
			names = append(names, "grad "+v.Name)
		}
	}
	for i, name := range names {
		compare(t, name, flat32(gb[i]), flat32(gu[i]), 1e-5)
	}
}
