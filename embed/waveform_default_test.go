package embed

import (
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// TestDefaultModelWaveform checks the embed_waveform signature of the
// shipped default model, and of its re-export by graph.Export (its
// SavedModel variables are a checkpoint of the same variable names, which
// is how it got the signature), against Extract on the WAV files of
// waveCases with the trained weights (512-d L3, VAD on): same segment
// counts, cosine >= 0.9999, max abs difference <= 1e-5 (its embedding
// values are of order 1e-3 to 1e-2).
func TestDefaultModelWaveform(t *testing.T) {
	src := filepath.Join("defaultmodel", "savedmodel")
	meta, err := spec.ReadMeta(src)
	if err != nil || meta == nil {
		t.Fatalf("default model metadata: %v", err)
	}
	re := filepath.Join(t.TempDir(), "model")
	if _, _, err := graph.Export(meta.Model, []string{filepath.Join(src, "variables", "variables")}, re, meta.Features); err != nil {
		t.Fatal(err)
	}
	paths, waves := writeWaveCases(t, t.TempDir())
	for name, dir := range map[string]string{"shipped": src, "re-exported": re} {
		t.Run(name, func(t *testing.T) { checkDefaultModel(t, dir, paths, waves) })
	}
}

func checkDefaultModel(t *testing.T, dir string, paths []string, waves [][]float32) {
	t.Helper()
	m, err := LoadModel(dir, Options{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	meta := m.Meta
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
