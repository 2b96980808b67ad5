package embed

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// BenchmarkWaveform embeds the same 16 utterances of 3 s of 16 kHz audio
// with the reference network (BLSTM 256 x 2, 40 x 128 segments, 100
// speakers) on 2 intra-op threads two ways: "go-features" as `voxsiam
// embed` does (Go log-mel on 2 workers, Cut, the serving_default
// signature in batches, Pool) and "embed_waveform" (one session run on
// the batch of waveforms: features, segments and pooling in the graph).
// Metrics: audio-seconds/s, and saved_model.pb bytes of the export
// with embed_waveform (BuildServing) and without (Build).
//
//	go test ./embed/ -run '^$' -bench Waveform -benchtime 5x
func BenchmarkWaveform(b *testing.B) {
	const nUtt, seconds = 16, 3.0
	rng := rand.New(rand.NewSource(1))
	waves := make([][]float32, nUtt)
	for i := range waves {
		waves[i] = voicedSignal(rng, 0, int(seconds*16000), 0)
	}
	m, size := benchServingModel(b, true)
	defer m.Close()
	pm, plain := benchServingModel(b, false)
	pm.Close()
	b.Run("go-features", func(b *testing.B) {
		ext, err := feature.NewExtractor(feature.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		inputs := make([]Input, nUtt)
		for i, w := range waves {
			inputs[i] = Input{ID: "u", Source: "mem", Load: func(context.Context) ([]float32, int, float64, error) {
				fr, n := ext.Clone().Compute(nil, w)
				return fr, n, seconds, nil
			}}
		}
		for i := 0; i < b.N; i++ {
			if _, err := Extract(context.Background(), m, inputs, ExtractOptions{Workers: 2, Batch: 256}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(nUtt*seconds*float64(b.N)/b.Elapsed().Seconds(), "audio-s/s")
	})
	b.Run("embed_waveform", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, _, err := m.EmbedWaveform(waves); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(nUtt*seconds*float64(b.N)/b.Elapsed().Seconds(), "audio-s/s")
		b.ReportMetric(float64(size), "pb-bytes")
		b.ReportMetric(float64(plain), "pb-bytes-without")
	})
}

// benchServingModel exports an initialised reference-size serving graph
// (BuildServing when wave, else Build) and loads it with 2 intra-op
// threads; it returns the model (the caller closes it) and the size of
// its saved_model.pb.
func benchServingModel(b *testing.B, wave bool) (*Model, int64) {
	b.Helper()
	im, err := graph.Build(graph.DefaultConfig(100), graph.Inference)
	if wave {
		im, err = graph.BuildServing(graph.DefaultConfig(100), nil)
	}
	if err != nil {
		b.Fatal(err)
	}
	s, err := im.NewSession(graph.SessionOptions{IntraOp: 2, InterOp: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(nil, nil, []*tf.Operation{im.Init}); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "model")
	if err := graph.ExportSavedModel(im, s, dir, nil); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "saved_model.pb"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := LoadModel(dir, Options{IntraOp: 2, InterOp: 1, Batch: 256})
	if err != nil {
		b.Fatal(err)
	}
	return m, st.Size()
}
