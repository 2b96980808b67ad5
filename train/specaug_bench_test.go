package train

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"
)

// BenchmarkSpecAugmentTrain measures what SpecAugment costs a training
// run: training steps/s of the reference network (batch 100, 40 frames x
// 128 bins, 12 speakers, TF's default thread pools) with masks (the
// defaults, --spec-augment) and without, in the same run. Each variant has
// its own sampler and prefetcher (depth 4, as train's default) running
// for the whole benchmark, so masking runs where it does in training: in
// the prefetch goroutines, beside the TensorFlow step, on the same cores.
// Every iteration runs 5 steps of each variant in turn (paired blocks: the
// machine's load changes both alike); a step is timed as the loop times
// it, batch wait + TF step. It reports the seconds per step without masks
// (off-s/step), with them (on-s/step) and the steps/s ratio with/without
// (on/off-speed; 1 = free, below 1 = slower), with the lowest and highest
// ratio of a single iteration's pair of blocks (on/off-min, on/off-max:
// the spread the load leaves on the ratio). Run it with
//
//	go test ./train/ -run '^$' -bench SpecAugmentTrain -benchtime=6x
func BenchmarkSpecAugmentTrain(b *testing.B) {
	const block = 5
	cfg := DefaultConfig()
	cfg.Model.Speakers, cfg.Model.Frames, cfg.Model.Bins = 12, 40, 128
	net, err := newTFNet(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer net.Close()
	spk := map[string][]int64{}
	for s := range 12 {
		spk[fmt.Sprintf("s%02d", s)] = []int64{300, 250, 200}
	}
	src := newFakeSource(128, spk)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var feeds [2]<-chan *Batch
	for i, on := range []bool{false, true} {
		o := cfg.Train
		o.SpecAugment.Enabled = on
		smp, err := NewSampler(src, sortedKeys(spk), o)
		if err != nil {
			b.Fatal(err)
		}
		feeds[i] = smp.Prefetch(ctx, 0, 1<<40, o.Prefetch)
	}
	var total [2]time.Duration
	steps := func(i int) {
		for range block {
			t0 := time.Now()
			if _, err := net.Step(<-feeds[i], [2]int64{1, 0}); err != nil {
				b.Fatal(err)
			}
			total[i] += time.Since(t0)
		}
	}
	steps(0) // warm-up: graph optimisation and first allocations
	steps(1)
	total = [2]time.Duration{}
	lo, hi := math.Inf(1), math.Inf(-1)
	b.ResetTimer()
	for range b.N {
		before := total
		steps(0)
		steps(1)
		r := (total[0] - before[0]).Seconds() / (total[1] - before[1]).Seconds()
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	n := float64(b.N * block)
	b.ReportMetric(total[0].Seconds()/n, "off-s/step")
	b.ReportMetric(total[1].Seconds()/n, "on-s/step")
	b.ReportMetric(total[0].Seconds()/total[1].Seconds(), "on/off-speed")
	b.ReportMetric(lo, "on/off-min")
	b.ReportMetric(hi, "on/off-max")
}
