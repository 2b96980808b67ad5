package synth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// requireEngines skips (or fails under `make test`) without the synthesizers.
func requireEngines(t *testing.T) {
	for _, e := range AllEngines {
		testenv.Require(t, e)
	}
}

// corpusHashes maps every file below dir to its SHA-256.
func corpusHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	h := map[string][32]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			h[rel] = sha256.Sum256(b)
		}
		return err
	})
	return h
}

func TestGenerateSmallCorpus(t *testing.T) {
	requireEngines(t)
	gen := func(seed uint64) (string, *Result) {
		out := filepath.Join(t.TempDir(), "corpus")
		res, err := Generate(context.Background(), Options{Speakers: 3, Utterances: 2, Out: out, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return out, res
	}
	out, res := gen(5)
	if len(res.Utts) != 6 || res.BaseVoices != 3 {
		t.Fatalf("%d utterances from %d base voices, want 6 from 3", len(res.Utts), res.BaseVoices)
	}
	for _, u := range res.Utts {
		x, info, err := audio.LoadInfo(filepath.Join(out, u.ID+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		m := 0.0
		for _, v := range x {
			m = math.Max(m, math.Abs(float64(v)))
		}
		d := float64(len(x)) / Rate
		// -3 dBFS = 0.7079; 16-bit quantisation moves it by < 1e-4.
		if info.Rate != Rate || info.Channels != 1 || info.Bits != 16 || math.Abs(m-0.7079) > 1e-3 || d < 1.5 || d > 7 {
			t.Errorf("%s: rate %d, %d channels, %d bits, peak %.4f, %.2f s", u.ID, info.Rate, info.Channels, info.Bits, m, d)
		}
	}
	for _, f := range []string{"speakers.tsv", "utterances.tsv"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || strings.Count(string(b), "\n") < 4 {
			t.Errorf("%s: %v, %q", f, err, b)
		}
	}
	again, _ := gen(5)
	if a, b := corpusHashes(t, out), corpusHashes(t, again); !mapsEqual(a, b) {
		t.Errorf("two runs with seed 5 differ")
	}
	other, _ := gen(6)
	if a, b := corpusHashes(t, out), corpusHashes(t, other); mapsEqual(a, b) {
		t.Errorf("seeds 5 and 6 gave the same corpus")
	}
}

func mapsEqual(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestDiscover(t *testing.T) {
	requireEngines(t)
	bases, err := Discover(context.Background(), AllEngines, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	engines := map[string]int{}
	for _, b := range bases {
		for _, v := range b.Voices {
			engines[v.Engine]++
		}
	}
	// Debian bookworm/trixie: espeak-ng has ~100 variants, flite 5 voices, the
	// Makefile's festvox packages 16 voices (4 read native script).
	if len(bases) < 40 || engines[EspeakNG] < 30 || engines[Flite] < 4 || engines[Festival] < 3 {
		t.Errorf("%d base voices, per engine %v", len(bases), engines)
	}
	for _, b := range bases {
		if b.Name == "cmu-kal" && len(b.Voices) < 2 {
			t.Errorf("cmu-kal has realisations %v, want festival and flite", b.Voices)
		}
	}
	if _, err := Discover(context.Background(), []string{"say"}, os.Stderr); err == nil {
		t.Error("unknown engine accepted")
	}
}

// f0Script prints the median F0 (Hz) of each WAV by librosa's YIN, an
// independent pitch tracker, over frames within 20 dB of the loudest.
const f0Script = `
import sys, json, numpy as np, librosa
out = []
for p in sys.argv[1:]:
    y, sr = librosa.load(p, sr=None)
    f0 = librosa.yin(y, fmin=50, fmax=400, sr=sr, frame_length=1024, hop_length=256)
    rms = librosa.feature.rms(y=y, frame_length=1024, hop_length=256)[0][:len(f0)]
    out.append(float(np.median(f0[rms > rms.max() / 10])))
print(json.dumps(out))
`

// TestPerturbationChangesPitch synthesizes one sentence per speaker variant
// and compares the median F0 that librosa.yin measures.
// Live only, no stored reference: the audio comes from the installed speech synthesizers at run time.
func TestPerturbationChangesPitch(t *testing.T) {
	requireEngines(t)
	text := []string{"The old farmer carried the heavy basket across the quiet river."}
	kal := Voice{Engine: Festival, Name: "kal_diphone"}
	en := Voice{Engine: EspeakNG, Name: "en-us"}
	awb := Voice{Engine: Flite, Name: "awb", F0: 105}
	cases := []struct {
		name     string
		low, hi  Speaker
		minRatio float64 // bounds of F0(hi)/F0(low)
		maxRatio float64
	}{
		// resampling by 1.06/0.94 scales every frequency by exactly 1.128
		{"espeak warp", Speaker{Voice: en, Pitch: 1, Speed: 1, Warp: 0.94}, Speaker{Voice: en, Pitch: 1, Speed: 1, Warp: 1.06}, 1.128 * 0.96, 1.128 * 1.04},
		// espeak -p 18 vs -p 82: only the direction and a clear gap are checked
		{"espeak pitch", Speaker{Voice: en, Pitch: 0.8, Speed: 1, Warp: 1}, Speaker{Voice: en, Pitch: 1.25, Speed: 1, Warp: 1}, 1.15, 3},
		// flite int_f0_target_mean 84 vs 131 Hz: 1.5625 nominally, intonation varies around it
		{"flite pitch", Speaker{Voice: awb, Pitch: 0.8, Speed: 1, Warp: 1}, Speaker{Voice: awb, Pitch: 1.25, Speed: 1, Warp: 1}, 1.3, 1.8},
		// festival: pitch by warp 0.88 vs 1.14, ratio 1.295
		{"festival pitch", Speaker{Voice: kal, Pitch: 0.88, Speed: 1, Warp: 1}, Speaker{Voice: kal, Pitch: 1.14, Speed: 1, Warp: 1}, 1.295 * 0.96, 1.295 * 1.04},
	}
	tmp := t.TempDir()
	var paths []string
	for i, tc := range cases {
		for j, s := range []Speaker{tc.low, tc.hi} {
			c := synthesize(context.Background(), s, text, t.TempDir())[0]
			if c.err != nil {
				t.Fatal(c.err)
			}
			p := filepath.Join(tmp, fmt.Sprintf("%d-%d.wav", i, j))
			if err := writeWAV(p, postprocess(c.x, c.rate, s.EngineWarp())); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	var f0 []float64
	if err := json.Unmarshal(testenv.RunPython(t, f0Script, paths...), &f0); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		r := f0[2*i+1] / f0[2*i]
		t.Logf("%s: median F0 %.1f -> %.1f Hz, ratio %.3f", tc.name, f0[2*i], f0[2*i+1], r)
		if r < tc.minRatio || r > tc.maxRatio {
			t.Errorf("%s: F0 ratio %.3f outside [%.3f, %.3f]", tc.name, r, tc.minRatio, tc.maxRatio)
		}
	}
}

// TestMissingEngines: with no synthesizer on PATH every engine is reported
// by name with its Debian package, and Discover fails.
func TestMissingEngines(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var log strings.Builder
	_, err := Discover(context.Background(), AllEngines, &log)
	if err == nil {
		t.Fatal("Discover succeeded without engines")
	}
	for _, e := range AllEngines {
		if !strings.Contains(log.String(), "skipping engine "+e+": "+e+" is not installed (Debian package "+e+")") {
			t.Errorf("no message for missing %s in %q", e, log.String())
		}
	}
}
