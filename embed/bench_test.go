package embed

import (
	"context"
	"math/rand"
	"testing"
)

// BenchmarkEmbed extracts 32 utterances of 3 s (300 frames, 8 segments
// each) with the reference network (BLSTM 256 x 2, 40 x 128 segments,
// 100 training speakers) on 2 intra-op threads, features precomputed as
// from a feature store. Metrics: utterances/s and audio-seconds/s.
//
//	go test ./embed/ -run '^$' -bench Embed -benchtime 3x
func BenchmarkEmbed(b *testing.B) {
	m := benchModel(b)
	defer m.Close()
	const nUtt, nFrames = 32, 300
	rng := rand.New(rand.NewSource(1))
	inputs := make([]Input, nUtt)
	for i := range inputs {
		fr := rtFrames(rng, nFrames)
		inputs[i] = Input{ID: "u", Source: "mem", Load: func(context.Context) ([]float32, int, float64, error) {
			return fr, nFrames, nFrames / 100.0, nil
		}}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(context.Background(), m, inputs, ExtractOptions{Workers: 2, Batch: 256}); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(nUtt*b.N)/sec, "utt/s")
	b.ReportMetric(float64(nUtt*b.N)*nFrames/100/sec, "audio-s/s")
}

// benchModel exports an initialised reference-size Inference graph and
// loads it with 2 intra-op threads.
func benchModel(b *testing.B) *Model {
	b.Helper()
	m, _ := benchServingModel(b, false)
	return m
}
