package graph

import (
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestWaveformSupport: BuildServing takes both feature kinds and refuses
// invalid features and a mel-band count other than the network's bins,
// naming the problem; the embed_waveform parts come with the graph only
// then (the comparison with voxsiam embed is embed's
// TestEmbedWaveformMatchesExtract).
func TestWaveformSupport(t *testing.T) {
	cfg := DefaultConfig(4)
	cfg.LSTM1, cfg.LSTM2 = 4, 3
	narrow := feature.DefaultConfig()
	narrow.NMels = 64
	bad := feature.DefaultConfig()
	bad.Hop = 0
	for _, c := range []struct {
		name    string
		f       feature.Config
		wantErr string
	}{
		{"logmel", feature.DefaultConfig(), ""}, {"fbank", feature.FbankConfig(), ""},
		{"bins", narrow, "64 mel bands, the network takes 128"}, {"invalid", bad, "hop 0 must be > 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := BuildServing(cfg, &c.f)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("BuildServing: %v, want an error containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, o := range map[string]bool{"waveform": m.Waveform.Op != nil, "lengths": m.Lengths.Op != nil,
				"waveform_embedding": m.WaveformEmbedding.Op != nil, "waveform_segments": m.WaveformSegments.Op != nil} {
				if !o || m.Graph.Operation(name) == nil {
					t.Errorf("no %q in the serving graph", name)
				}
			}
		})
	}
}
