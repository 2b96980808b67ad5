package embed

import (
	"context"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// waveCases are utterance lengths in samples at 16 kHz (hop 160, 40-frame
// segments): shorter than one segment (2 and 19 frames, the first shorter
// than the 512-sample reflect padding), exactly 2 segments (80 frames),
// 2 segments and a partial (101 frames), 6 and a partial (251 frames),
// and speech between 4000 and 6000 samples of silence (VAD trims them).
var waveCases = []struct {
	name              string
	lead, n, trailing int
}{
	{"tiny", 0, 300, 0}, {"short", 0, 3000, 0}, {"exact2", 0, 12700, 0},
	{"two-partial", 0, 16000, 0}, {"long", 0, 40000, 0}, {"silences", 4000, 16000, 6000},
}

// voicedSignal is a deterministic voice-like test signal: two harmonics of
// a gliding 110-180 Hz pitch under a slow envelope plus a little noise.
func voicedSignal(rng *rand.Rand, lead, n, trailing int) []float32 {
	x := make([]float32, lead+n+trailing)
	f0, phase := 110+70*rng.Float64(), 0.0
	for i := 0; i < n; i++ {
		f := f0 * (1 + 0.2*math.Sin(2*math.Pi*float64(i)/9000))
		phase += 2 * math.Pi * f / 16000
		env := 0.5 + 0.5*math.Sin(2*math.Pi*float64(i)/5000+1)
		x[lead+i] = float32(env*(0.3*math.Sin(phase)+0.15*math.Sin(3*phase+0.5)) + 0.02*rng.NormFloat64())
	}
	return x
}

// writeWaveCases writes waveCases as 16-bit WAV files in dir and returns
// their paths and their samples as audio.Load reads them back.
func writeWaveCases(t *testing.T, dir string) (paths []string, waves [][]float32) {
	t.Helper()
	rng := rand.New(rand.NewSource(27))
	for _, c := range waveCases {
		p := filepath.Join(dir, c.name+".wav")
		if err := audio.WriteWAVFile(p, voicedSignal(rng, c.lead, c.n, c.trailing), 16000); err != nil {
			t.Fatal(err)
		}
		x, _, err := audio.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		paths, waves = append(paths, p), append(waves, x)
	}
	return paths, waves
}

// waveformModel exports rtSpec's run with features f (features.json) in
// precision ("" is fp32) and loads it; dir is the SavedModel.
func waveformModel(t *testing.T, f feature.Config, precision string) (m *Model, dir string) {
	t.Helper()
	return specModel(t, rtSpec, f, precision)
}

// specModel is waveformModel for the network sp.
func specModel(t *testing.T, sp modeltest.Spec, f feature.Config, precision string) (m *Model, dir string) {
	t.Helper()
	run := modeltest.NewRun(t, sp)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run.Dir, feature.FileName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	dir = run.Export(t, precision)
	m, err = LoadModel(dir, Options{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, dir
}

// cosine is the cosine similarity of a and b (1 for two zero vectors).
func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 && bb == 0 {
		return 1
	}
	return ab / math.Sqrt(aa*bb)
}

// TestEmbedWaveformMatchesExtract: the embed_waveform signature of an
// export gives, for WAV files read back as samples, the embeddings
// `voxsiam embed` computes on the same files (Extract: Go features, Cut
// with ShortPad and the model's partial, the serving_default signature,
// mean pooling) with the same number of segments, in one zero-padded batch
// and one utterance at a time: cosine >= 0.9999 and max abs difference
// <= 1e-4 on every utterance, for each partial policy, with VAD
// trimming on constant-padded frames, for Kaldi fbank features (with and
// without VAD), and in the int8 and bf16 exports (whose towers share the
// reduced-precision weights).
func TestEmbedWaveformMatchesExtract(t *testing.T) {
	paths, waves := writeWaveCases(t, t.TempDir())
	vad := feature.DefaultConfig()
	vad.VAD, vad.PadMode = true, "constant"
	fbankVAD := feature.FbankConfig()
	fbankVAD.VAD = true
	pad, drop := feature.DefaultConfig(), feature.DefaultConfig()
	pad.Partial, drop.Partial = feature.PartialPad, feature.PartialDrop
	for _, v := range []struct {
		name, precision string
		f               feature.Config
	}{
		{"overlap-last", "", feature.DefaultConfig()}, {"pad", "", pad}, {"drop", "", drop},
		{"vad-constant", "", vad}, {"int8", "int8", feature.DefaultConfig()}, {"bf16", "bf16", feature.DefaultConfig()},
		{"fbank", "", feature.FbankConfig()}, {"fbank-vad", "", fbankVAD},
	} {
		f := v.f
		t.Run(v.name, func(t *testing.T) {
			f.NMels = rtSpec.Bins
			m, _ := waveformModel(t, f, v.precision)
			if !m.HasWaveform() {
				t.Fatal("export has no embed_waveform signature")
			}
			want, segs := extractWant(t, m, paths, f)
			checkWaveformRuns(t, m, waves, want, segs)
		})
	}
}

// modelSources is m's feature settings and paths as embed's inputs with
// them (Sources), closed at the end of the test.
func modelSources(t *testing.T, m *Model, paths []string) (feature.Config, []Input) {
	t.Helper()
	cfg, err := m.FeatureConfig()
	if err != nil {
		t.Fatal(err)
	}
	in, closeFn, err := Sources(paths, "", cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeFn)
	return cfg, in
}

// extractWant embeds paths as `voxsiam embed` does and counts each
// utterance's segments with the Go features and Cut. Files Extract skips
// for having no frames (fbank: shorter than one window) get 0 segments
// and a zero row, what embed_waveform gives them.
func extractWant(t *testing.T, m *Model, paths []string, f feature.Config) ([]float32, []int32) {
	t.Helper()
	cfg, in := modelSources(t, m, paths)
	res, err := Extract(context.Background(), m, in, ExtractOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := feature.NewExtractor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	row := map[string][]float32{}
	for i, id := range res.IDs {
		row[id] = res.Emb[i*res.Dim : (i+1)*res.Dim]
	}
	var want []float32
	var segs []int32
	for i, p := range paths {
		x, _, err := audio.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		fr, n := ext.Compute(nil, x)
		_, _, k := Cut(fr, n, cfg.NMels, m.Frames, ShortPad, f.WithDefaults().Partial)
		e, ok := row[waveCases[i].name]
		if !ok && k == 0 {
			e = make([]float32, m.Dim)
		} else if !ok {
			t.Fatalf("Extract skipped %s (%d segments): %v", p, k, res.Skipped)
		}
		want, segs = append(want, e...), append(segs, int32(k))
	}
	return want, segs
}

// checkWaveformRuns runs embed_waveform on waves in one batch and one
// utterance at a time and checks each against want and segs
// (checkWaveform).
func checkWaveformRuns(t *testing.T, m *Model, waves [][]float32, want []float32, segs []int32) {
	t.Helper()
	got, dim, gotSegs, err := m.EmbedWaveform(waves)
	if err != nil {
		t.Fatal(err)
	}
	checkWaveform(t, "batch", got, gotSegs, want, segs, dim)
	for i, w := range waves {
		one, _, s, err := m.EmbedWaveform([][]float32{w})
		if err != nil {
			t.Fatal(err)
		}
		checkWaveform(t, "single "+waveCases[i].name, one, s, want[i*dim:(i+1)*dim], segs[i:i+1], dim)
	}
}

func checkWaveform(t *testing.T, what string, got []float32, gotSegs []int32, want []float32, segs []int32, dim int) {
	t.Helper()
	checkWaveformTol(t, what, got, gotSegs, want, segs, dim, 1e-4)
}

// checkWaveformTol fails unless every row has segs[i] segments, cosine
// >= 0.9999 to want's row and max abs difference <= tol.
func checkWaveformTol(t *testing.T, what string, got []float32, gotSegs []int32, want []float32, segs []int32, dim int, tol float64) {
	t.Helper()
	if len(got) != len(want) || len(gotSegs) != len(segs) {
		t.Fatalf("%s: %d values, %d segment counts; want %d, %d", what, len(got), len(gotSegs), len(want), len(segs))
	}
	for i := range segs {
		g, w := got[i*dim:(i+1)*dim], want[i*dim:(i+1)*dim]
		c, d := cosine(g, w), rtMaxDiff(g, w)
		t.Logf("%s row %d: %d segments, cosine %.9f, max abs diff %.3g", what, i, gotSegs[i], c, d)
		if gotSegs[i] != segs[i] || c < 0.9999 || d > tol {
			t.Errorf("%s row %d: %d segments (want %d), cosine %.9f (want >= 0.9999), max abs diff %.3g (want <= %g)", what, i, gotSegs[i], segs[i], c, d, tol)
		}
	}
}
