package graph

import (
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// Reference-size benchmarks (DefaultConfig(100): 40x128 input, BLSTM
// 256+256, dense 1000/500, S = 100, batch 100). Run with e.g.
//
//	go test ./graph/ -run '^$' -bench . -benchtime=3x
func BenchmarkTrainStepUnrolled(b *testing.B) { benchTrainStep(b, "unrolled") }
func BenchmarkTrainStepBlock(b *testing.B)    { benchTrainStep(b, "block") }
func BenchmarkForwardUnrolled(b *testing.B)   { benchForward(b, "unrolled") }
func BenchmarkForwardBlock(b *testing.B)      { benchForward(b, "block") }

// benchTrainStep times one Adam step (loss fetched, dropout on).
func benchTrainStep(b *testing.B, impl string) {
	cfg := DefaultConfig(100)
	cfg.LSTMImpl = impl
	m, s := benchSession(b, cfg, Train)
	x, lab := randomBatch(b, cfg, 100, rand.New(rand.NewPCG(1, 1)))
	feeds := map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab, m.Training: mustTensor(b, true)}
	run(b, s, feeds, []tf.Output{m.Loss}, m.TrainOp) // warm-up: executor creation
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(b, s, feeds, []tf.Output{m.Loss}, m.TrainOp)
	}
}

// benchForward times the embedding of a batch of 100 segments.
func benchForward(b *testing.B, impl string) {
	cfg := DefaultConfig(100)
	cfg.LSTMImpl = impl
	m, s := benchSession(b, cfg, Inference)
	x, _ := randomBatch(b, cfg, 100, rand.New(rand.NewPCG(1, 1)))
	feeds := map[tf.Output]*tf.Tensor{m.Input: x}
	run(b, s, feeds, []tf.Output{m.Embedding})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(b, s, feeds, []tf.Output{m.Embedding})
	}
}

// benchSession builds cfg and opens a session with TF's default threads.
func benchSession(b *testing.B, cfg Config, mode Mode) (*Model, *tf.Session) {
	m, err := Build(cfg, mode)
	if err != nil {
		b.Fatal(err)
	}
	s, err := m.NewSession(SessionOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	run(b, s, nil, nil, m.Init)
	return m, s
}
