package embed

import (
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// TestDefaultModelWaveform re-exports the shipped default model (its
// SavedModel variables are a checkpoint of the same variable names) with
// graph.Export, which adds embed_waveform, and checks the signature
// against Extract on the WAV files of waveCases with the trained weights
// (512-d L3, VAD on): same segment counts, cosine >= 0.9999, max abs
// difference <= 1e-5 (its embedding values are of order 1e-3 to 1e-2).
func TestDefaultModelWaveform(t *testing.T) {
	src := filepath.Join("defaultmodel", "savedmodel")
	meta, err := spec.ReadMeta(src)
	if err != nil || meta == nil {
		t.Fatalf("default model metadata: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if _, _, err := graph.Export(meta.Model, []string{filepath.Join(src, "variables", "variables")}, dir, meta.Features); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(dir, Options{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	paths, waves := writeWaveCases(t, t.TempDir())
	want, segs := extractWant(t, m, paths, *meta.Features)
	got, dim, gotSegs, err := m.EmbedWaveform(waves)
	if err != nil {
		t.Fatal(err)
	}
	if dim != 512 {
		t.Fatalf("embedding width %d, want 512", dim)
	}
	checkWaveformTol(t, "default model", got, gotSegs, want, segs, dim, 1e-5)
}
