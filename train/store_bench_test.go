package train

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/tools/store"
)

// The data side of `train` on a real feature store: VOXSIAM_BENCH_STORE
// names it (bench/scale.sh passes the stores tools/scalegen writes at
// 10k and 100k utterances); the benchmarks are skipped without it.
//
//	VOXSIAM_BENCH_STORE=bench/out/scale/n100000/store go test -run '^$' -bench Store -benchtime 5x ./train

func benchStore(b *testing.B) (string, Config) {
	dir := os.Getenv("VOXSIAM_BENCH_STORE")
	if dir == "" {
		b.Skip("VOXSIAM_BENCH_STORE unset: no store to read")
	}
	cfg := DefaultConfig()
	cfg.Data.Store = dir
	return dir, cfg
}

// BenchmarkStoreStartup: what a run does before it builds the graph:
// store.Open (manifest.tsv, speakers.tsv, the .npy header), the speaker
// split, the run directory's lists, the sampler's per-speaker index and
// the validation set (run's setup).
func BenchmarkStoreStartup(b *testing.B) {
	dir, cfg := benchStore(b)
	runs := b.TempDir()
	k := 0
	for b.Loop() {
		st, err := store.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		k++
		if _, err := setup(cfg, filepath.Join(runs, fmt.Sprintf("run%d", k)), io.Discard, st, false); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkStoreSampler: one reference batch (100 random 40-frame crops,
// ZHAW order: speaker, utterance, crop) a op from the store's training
// speakers, on one goroutine (train prepares them on Prefetch goroutines).
func BenchmarkStoreSampler(b *testing.B) {
	dir, cfg := benchStore(b)
	st, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	trainSpk, _ := SplitSpeakers(st.Groups(), cfg.Data.ValFraction, cfg.Train.Seed)
	s, err := NewSampler(st, trainSpk, cfg.Train)
	if err != nil {
		b.Fatal(err)
	}
	var bt Batch
	step := int64(0)
	for b.Loop() {
		s.Make(step, &bt)
		step++
	}
	b.ReportMetric(float64(step*int64(cfg.Train.Batch))/b.Elapsed().Seconds(), "segments/s")
}
