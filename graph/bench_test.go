package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

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

// BenchmarkPrecisionTrain times Adam steps of the reference network
// (batch 100, dropout on) in fp32, in bf16 by explicit casts (Precision
// "bf16") and in fp32 under TensorFlow's bf16 rewrite (BF16Rewrite),
// alternating the three every iteration so load drifts hit all alike,
// and reports the speed-ups over fp32 (>1 = faster):
//
//	go test ./graph/ -run '^$' -bench Precision -benchtime=5x
func BenchmarkPrecisionTrain(b *testing.B) {
	type variant struct {
		name string
		cfg  Config
		opt  SessionOptions
	}
	base := DefaultConfig(100)
	bf := base
	bf.Precision = "bf16"
	vs := []variant{{"fp32", base, SessionOptions{}}, {"bf16", bf, SessionOptions{}}, {"rewrite", base, SessionOptions{BF16Rewrite: true}}}
	steps := make([]func(), len(vs))
	for i, v := range vs {
		m, s := benchSessionOpts(b, v.cfg, Train, v.opt)
		x, lab := randomBatch(b, v.cfg, 100, rand.New(rand.NewPCG(1, 1)))
		feeds := map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab, m.Training: mustTensor(b, true)}
		steps[i] = func() { run(b, s, feeds, []tf.Output{m.Loss}, m.TrainOp) }
		// warm-up (graph rewrite, executor creation); the first loss shows
		// whether a variant computes differently from fp32 at all
		loss := run(b, s, feeds, []tf.Output{m.Loss})[0].Value().(float32)
		b.Logf("%s: first loss %.9g", v.name, loss)
		steps[i]()
	}
	reportAlternating(b, steps, []string{"fp32", "bf16/fp32", "rewrite/fp32"})
}

// BenchmarkPrecisionExtract times the embedding of 100 segments through
// the Inference graph in fp32, bf16 and int8 (same checkpoint), alternating,
// and reports the throughput ratios over fp32 (>1 = faster). It logs the
// CPU's reduced-precision flags and the load, and where the peers' venv
// exists (make peers) runs the PyTorch peer of the same network
// (bench/torch_precision.py) in the same alternation: "torch-<v>/fp32"
// are torch's own ratios, "<v>-vs-torch" torch's time over ours for the
// same variant (>1 = voxsiam faster). With the peer every ratio is the
// median over iterations of the ratio of the two adjacent runs (robust to
// load that changes within a run; "-s/op" are means). VOXSIAM_BENCH_THREADS=n sets the
// threads of both sides (TF intra- and inter-op, torch's), default one
// per CPU.
func BenchmarkPrecisionExtract(b *testing.B) {
	logCPU(b)
	threads := benchThreads(b)
	cfg := DefaultConfig(100)
	tm, ts := benchSession(b, cfg, Train)
	ckpt := b.TempDir() + "/ckpt"
	if err := tm.Save(ts, ckpt); err != nil {
		b.Fatal(err)
	}
	x, _ := randomBatch(b, cfg, 100, rand.New(rand.NewPCG(1, 1)))
	names := []string{"fp32", "bf16", "int8"}
	steps := make([]func(), len(names))
	for i, p := range names {
		c := cfg
		c.Precision = p
		m, s, err := LoadInference(c, ckpt, SessionOptions{IntraOp: threads, InterOp: threads})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		feeds := map[tf.Output]*tf.Tensor{m.Input: x}
		steps[i] = func() { run(b, s, feeds, []tf.Output{m.Embedding}) }
		steps[i]()
	}
	peer := startTorchPeer(b, 100, threads)
	if peer == nil {
		reportAlternating(b, steps, []string{"fp32", "bf16/fp32", "int8/fp32"})
		logCPU(b)
		return
	}
	for _, v := range torchVariants {
		steps = append(steps, peer.step(b, v))
	}
	times := alternateEach(b, steps)
	ours, torch := times[:len(names)], times[len(names):]
	b.ReportMetric(meanSeconds(ours[0]), "fp32-s/op")
	b.ReportMetric(meanSeconds(torch[0]), "torch-fp32-s/op")
	for i, v := range torchVariants[1:] {
		b.ReportMetric(medianRatio(torch[0], torch[i+1]), "torch-"+v+"/fp32-speedup")
	}
	for i, p := range names[1:] {
		b.ReportMetric(medianRatio(ours[0], ours[i+1]), p+"/fp32-speedup")
	}
	// the same variant on both sides (torch's bf16 = autocast; bf16cast =
	// the module in bfloat16): torch's seconds over ours, >1 = voxsiam faster
	for _, c := range []struct {
		ours, torch int
		name        string
	}{{0, 0, "fp32"}, {1, 1, "bf16"}, {1, 2, "bf16cast"}, {2, 3, "int8"}} {
		b.ReportMetric(medianRatio(torch[c.torch], ours[c.ours]), c.name+"-vs-torch")
	}
	logCPU(b)
}

// reportAlternating runs every step once per iteration, in turn
// (alternate), and reports the mean seconds of steps[0]
// ("<label[0]>-s/op") and the speed-up t0/ti of every other
// ("<label[i]>-speedup").
func reportAlternating(b *testing.B, steps []func(), labels []string) {
	total := alternate(b, steps)
	b.ReportMetric(total[0].Seconds()/float64(b.N), labels[0]+"-s/op")
	for i := 1; i < len(steps); i++ {
		b.ReportMetric(total[0].Seconds()/total[i].Seconds(), labels[i]+"-speedup")
	}
}

// alternate resets the timer, runs every step once per iteration, in
// turn, b.N times, and returns each step's total time.
func alternate(b *testing.B, steps []func()) []time.Duration {
	total := make([]time.Duration, len(steps))
	for i, ts := range alternateEach(b, steps) {
		for _, t := range ts {
			total[i] += t
		}
	}
	return total
}

// alternateEach is alternate returning every run's time: [step][iteration].
func alternateEach(b *testing.B, steps []func()) [][]time.Duration {
	times := make([][]time.Duration, len(steps))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, f := range steps {
			t0 := time.Now()
			f()
			times[i] = append(times[i], time.Since(t0))
		}
	}
	return times
}

// meanSeconds is the mean of ts in seconds.
func meanSeconds(ts []time.Duration) float64 {
	var sum time.Duration
	for _, t := range ts {
		sum += t
	}
	return sum.Seconds() / float64(len(ts))
}

// medianRatio is the median over iterations of num[n]/den[n].
func medianRatio(num, den []time.Duration) float64 {
	r := make([]float64, len(num))
	for n := range num {
		r[n] = num[n].Seconds() / den[n].Seconds()
	}
	slices.Sort(r)
	if len(r)%2 == 1 {
		return r[len(r)/2]
	}
	return (r[len(r)/2-1] + r[len(r)/2]) / 2
}

// benchSessionOpts is benchSession with session options.
func benchSessionOpts(b *testing.B, cfg Config, mode Mode, o SessionOptions) (*Model, *tf.Session) {
	m, err := Build(cfg, mode)
	if err != nil {
		b.Fatal(err)
	}
	s, err := m.NewSession(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	run(b, s, nil, nil, m.Init)
	return m, s
}
