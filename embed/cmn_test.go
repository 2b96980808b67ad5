package embed

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// cmnModel exports rtSpec's network (the same weights for every cmn) with
// [model] cmn and cmn_window and features f, and loads it.
func cmnModel(t *testing.T, cmn string, window int, f feature.Config) *Model {
	t.Helper()
	sp := rtSpec
	sp.CMN, sp.CMNWindow = cmn, window
	m, _ := specModel(t, sp, f, "")
	return m
}

// TestEmbedCMN: an export with [model] cmn reports it (Model.CMN, from
// voxsiam.json); Extract embeds each utterance as the serving_default
// signature does on its frames normalised by feature.ApplyCMN (checked
// against Kaldi's formulas in tools/feature), cut and mean-pooled; the
// embed_waveform signature gives the same embeddings from the samples
// (cosine >= 0.9999, max abs diff <= 1e-4, batch and single), for
// utterance CMN and for sliding CMN with a window shorter than the long
// files and the default 300 frames, with and without VAD trimming (the
// mean is over the trimmed frames on both sides); and the normalisation
// changes the embeddings of the same weights.
func TestEmbedCMN(t *testing.T) {
	paths, waves := writeWaveCases(t, t.TempDir())
	plain := feature.DefaultConfig()
	plain.NMels = rtSpec.Bins
	vad := plain
	vad.VAD, vad.PadMode = true, "constant"
	none := cmnModel(t, "", 0, plain)
	noneEmb, _ := extractWant(t, none, paths, plain)
	for _, c := range []struct {
		name, cmn string
		window    int
		f         feature.Config
	}{
		{"utterance", feature.CMNUtterance, 0, plain}, {"sliding-50", feature.CMNSliding, 50, plain},
		{"sliding-300", feature.CMNSliding, 0, plain}, {"utterance-vad", feature.CMNUtterance, 0, vad},
		{"sliding-vad", feature.CMNSliding, 64, vad},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := cmnModel(t, c.cmn, c.window, c.f)
			wantWin := c.window
			if wantWin == 0 {
				wantWin = feature.DefaultCMNWindow
			}
			if mode, w := m.CMN(); mode != c.cmn || w != wantWin {
				t.Fatalf("Model.CMN() = %q, %d; want %q, %d", mode, w, c.cmn, wantWin)
			}
			want, segs := extractWant(t, m, paths, c.f)
			checkHostCMN(t, m, paths, want, c.cmn, wantWin)
			checkWaveformRuns(t, m, waves, want, segs)
			dim := len(want) / len(paths)
			if c.f == plain {
				long := 4 // waveCases "long"
				if d := rtMaxDiff(want[long*dim:(long+1)*dim], noneEmb[long*dim:(long+1)*dim]); d < 1e-3 {
					t.Errorf("cmn %s changes the long file's embedding by %.3g only: is it applied?", c.cmn, d)
				}
			}
		})
	}
}

// checkHostCMN embeds each file the long way: its frames as embed loads
// them, feature.ApplyCMN, Cut (ShortPad, the model's partial), the
// serving_default signature and Pool, and compares with want (Extract's
// rows) to 1e-5.
func checkHostCMN(t *testing.T, m *Model, paths []string, want []float32, mode string, window int) {
	t.Helper()
	_, in := modelSources(t, m, paths)
	for i, input := range in {
		frames, n, _, err := input.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		feature.ApplyCMN(frames, n, m.Bins, mode, window)
		segs, w, k := Cut(frames, n, m.Bins, m.Frames, ShortPad, m.Partial())
		if k == 0 {
			continue
		}
		emb, dim, err := m.Embed(segs, k)
		if err != nil {
			t.Fatal(err)
		}
		got := Pool(nil, emb, w, k, dim, m.Pooling())
		if d := rtMaxDiff(got, want[i*dim:(i+1)*dim]); d > 1e-5 {
			t.Errorf("%s: Extract differs from ApplyCMN + serving_default by %.3g", input.ID, d)
		}
	}
}

// TestLoadModelBadCMN: a voxsiam.json whose model.cmn is no mode, or
// whose sliding window is below one frame, is bad data naming the file
// and the modes.
func TestLoadModelBadCMN(t *testing.T) {
	plain := feature.DefaultConfig()
	plain.NMels = rtSpec.Bins
	_, dir := specModel(t, rtSpec, plain, "")
	path := filepath.Join(dir, "assets", spec.MetaAsset)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to string }{
		{`"cmn": "none"`, `"cmn": "global"`},
		{`"cmn_window": 300`, `"cmn_window": -1`},
	} {
		if !strings.Contains(string(orig), c.from) {
			t.Fatalf("%s lacks %s:\n%s", path, c.from, orig)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(orig), c.from, c.to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadModel(dir, Options{})
		if !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "none, utterance, sliding") {
			t.Errorf("%s: %v, want bad data naming %s and the modes", c.to, err, path)
		}
	}
}
