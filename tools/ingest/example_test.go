package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/ingest"
)

// ExampleRun featurises a two-speaker corpus of 1 s silent WAV files (and
// one corrupt file) into a feature store.
func ExampleRun() {
	root, _ := os.MkdirTemp("", "corpus")
	defer os.RemoveAll(root)
	for _, rel := range []string{"alice/1.wav", "bob/1.wav", "bob/2.wav"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755)
		f, _ := os.Create(filepath.Join(root, rel))
		audio.WriteWAV(f, make([]float32, 16000), 16000)
		f.Close()
	}
	os.WriteFile(filepath.Join(root, "bob", "3.wav"), []byte("RIFF-not-audio"), 0o644)
	items, err := dataset.Scan(root, dataset.Plain)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum, err := ingest.Run(context.Background(), items, filepath.Join(root, "store"),
		ingest.Options{Feature: feature.DefaultConfig(), Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d speakers, %d utterances, %d frames x %d, %.0f s, %d skipped\n",
		sum.Speakers, sum.Utterances, sum.Frames, sum.NMels, sum.Hours*3600, len(sum.Skipped))
	// Output:
	// 2 speakers, 3 utterances, 303 frames x 128, 3 s, 1 skipped
}
