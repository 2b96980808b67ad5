package embed

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
)

// TestRunJobStreams checks that an npy-format job, whose rows go to disk
// as they are pooled (ExtractOptions.EmbOut, DistOut), writes the same
// files byte for byte as Extract in memory and Write: on a store of 37
// utterances of 3 speakers, some shorter than a segment (padded), in
// batches of 7 segments so that utterances straddle runs, with
// distributions; and that no temporary file is left in the directory.
func TestRunJobStreams(t *testing.T) {
	run := modeltest.NewRun(t, rtSpec)
	model := run.Export(t, "")
	dir := t.TempDir()
	st := filepath.Join(dir, "store")
	w, err := store.Create(st, store.Options{NMels: 128, FeatureConfig: run.Features})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	for i := range 37 {
		rows := 20 + rng.Intn(150)
		u := store.Utterance{ID: fmt.Sprintf("s%d-u%02d", i%3, i), Speaker: fmt.Sprintf("s%d", i%3), Source: fmt.Sprintf("mem/%d", i), Duration: float64(rows) / 100}
		if err := w.Add(u, rtFrames(rng, rows)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	load := Options{IntraOp: 2, InterOp: 1, Batch: 7}
	eo := ExtractOptions{Distributions: true, Workers: 2, Batch: 7}
	streamed := filepath.Join(dir, "streamed")
	sum, err := RunJob(context.Background(), Job{Model: model, In: []string{st}, Out: streamed, Format: FormatNpy, Load: load, Extract: eo})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Utterances != 37 || sum.PaddedUtterances == 0 {
		t.Fatalf("%d utterances embedded, %d padded: want 37, some padded", sum.Utterances, sum.PaddedUtterances)
	}

	m, err := LoadModel(model, load)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfg, _ := m.FeatureConfig()
	inputs, closeSrc, err := Sources([]string{st}, "auto", cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSrc()
	res, err := Extract(context.Background(), m, inputs, eo)
	if err != nil {
		t.Fatal(err)
	}
	inMemory := filepath.Join(dir, "memory")
	if err := Write(inMemory, res, FormatNpy); err != nil {
		t.Fatal(err)
	}
	files := []string{vecio.EmbeddingsFile, vecio.DistributionsFile, vecio.UttListFile, vecio.Utt2SpkFile, vecio.Spk2UttFile}
	for _, f := range files {
		a, errA := os.ReadFile(filepath.Join(inMemory, f))
		b, errB := os.ReadFile(filepath.Join(streamed, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: streamed %d bytes (%v), in memory %d (%v): differ", f, len(b), errB, len(a), errA)
		}
	}
	if ents, _ := os.ReadDir(streamed); len(ents) != len(files) {
		for _, e := range ents {
			t.Log(e.Name())
		}
		t.Errorf("%d files in %s, want %d", len(ents), streamed, len(files))
	}
}
