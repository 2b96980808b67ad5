package graph

import (
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// tinyConfig is a small network for fast tests.
func tinyConfig(dtype string) Config {
	c := Config{Frames: 4, Bins: 3, LSTM1: 3, LSTM2: 3, Speakers: 3, DType: dtype, Seed: 7}
	return c.WithDefaults()
}

// session builds cfg in mode, opens a 1-thread session and runs init.
func session(t testing.TB, cfg Config, mode Mode) (*Model, *tf.Session) {
	t.Helper()
	m, err := Build(cfg, mode)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(SessionOptions{IntraOp: 1, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Run(nil, nil, []*tf.Operation{m.Init}); err != nil {
		t.Fatal(err)
	}
	return m, s
}

// randomBatch returns n spectrograms [n, Frames, Bins] (N(0,1)) of cfg's
// dtype and labels cycling over the speakers.
func randomBatch(t testing.TB, cfg Config, n int, rng *rand.Rand) (x, labels *tf.Tensor) {
	t.Helper()
	size := n * cfg.Frames * cfg.Bins
	var err error
	if cfg.DType == "float64" {
		v := make([]float64, size)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		x, err = tf.NewTensor(v)
	} else {
		v := make([]float32, size)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		x, err = tf.NewTensor(v)
	}
	if err == nil {
		err = x.Reshape([]int64{int64(n), int64(cfg.Frames), int64(cfg.Bins)})
	}
	lab := make([]int32, n)
	for i := range lab {
		lab[i] = int32(i % cfg.Speakers)
	}
	if err == nil {
		labels, err = tf.NewTensor(lab)
	}
	if err != nil {
		t.Fatal(err)
	}
	return x, labels
}

// mustTensor wraps tf.NewTensor for test values.
func mustTensor(t testing.TB, v any) *tf.Tensor {
	t.Helper()
	x, err := tf.NewTensor(v)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// mustShaped is mustTensor of v reshaped to shape.
func mustShaped(t testing.TB, v any, shape []int64) *tf.Tensor {
	t.Helper()
	x := mustTensor(t, v)
	if err := x.Reshape(shape); err != nil {
		t.Fatal(err)
	}
	return x
}

// run evaluates fetches with feeds and fails the test on error.
func run(t testing.TB, s *tf.Session, feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets ...*tf.Operation) []*tf.Tensor {
	t.Helper()
	out, err := s.Run(feeds, fetches, targets)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randomTrainable draws a value N(0, sd²) for every element of every
// trainable variable of m, in m.Vars order: names, flat values, shapes.
func randomTrainable(m *Model, rng *rand.Rand, sd float64) (names []string, flat [][]float32, shapes [][]int64) {
	for _, v := range m.Vars {
		if !v.Trainable {
			continue
		}
		n := int64(1)
		for _, d := range v.Shape {
			n *= d
		}
		vals := make([]float32, n)
		for i := range vals {
			vals[i] = float32(sd * rng.NormFloat64())
		}
		names, flat, shapes = append(names, v.Name), append(flat, vals), append(shapes, v.Shape)
	}
	return names, flat, shapes
}
