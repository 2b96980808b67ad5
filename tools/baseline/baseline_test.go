package baseline

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestMeanStd: hand-computed values (numpy.mean / numpy.std, ddof 0).
func TestMeanStd(t *testing.T) {
	cases := []struct {
		name   string
		x      []float32
		n, dim int
		want   []float32
	}{
		{"two rows", []float32{1, 2, 3, 6}, 2, 2, []float32{2, 4, 1, 2}},
		{"one row has zero spread", []float32{5, -1, 7}, 1, 3, []float32{5, -1, 7, 0, 0, 0}},
		// numpy.std([1, 2, 3, 4]) = sqrt(1.25)
		{"four rows", []float32{1, 2, 3, 4}, 4, 1, []float32{2.5, float32(math.Sqrt(1.25))}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := MeanStd(nil, c.x, c.n, c.dim)
			for i := range c.want {
				if math.Abs(float64(got[i]-c.want[i])) > 1e-6 {
					t.Errorf("got %v, want %v", got, c.want)
					break
				}
			}
		})
	}
}

// statsReference is testdata/stats_reference.json, written by
// testdata/stats_reference.py (numpy/scipy on librosa log-mel frames).
type statsReference struct {
	NMels  int       `json:"n_mels"`
	Frames int       `json:"frames"`
	LogMel []float32 `json:"logmel"`
	Cases  []struct {
		Name      string    `json:"name"`
		NCeps     int       `json:"n_ceps"`
		CMN       bool      `json:"cmn"`
		VAD       bool      `json:"vad"`
		VADDB     float64   `json:"vad_db"`
		Kept      int       `json:"kept"`
		Embedding []float64 `json:"embedding"`
	} `json:"cases"`
}

// TestEmbedStoredReference compares Embedder.Embed with the numpy
// embeddings of the stored frames for each option set. Tolerance 1e-5
// absolute (float32 outputs of magnitude <= 40 from float64 sums).
func TestEmbedStoredReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "stats_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref statsReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 || len(ref.LogMel) != ref.Frames*ref.NMels {
		t.Fatalf("testdata/stats_reference.json: %d cases, %d values for %d x %d", len(ref.Cases), len(ref.LogMel), ref.Frames, ref.NMels)
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			e, err := NewEmbedder(ref.NMels, feature.KindLogMel, Options{NCeps: c.NCeps, CMN: c.CMN, VAD: c.VAD, VADThresholdDB: c.VADDB})
			if err != nil {
				t.Fatal(err)
			}
			in := append([]float32(nil), ref.LogMel...)
			got, kept := e.Embed(nil, in, ref.Frames)
			if kept != c.Kept {
				t.Errorf("statistics over %d frames, numpy kept %d", kept, c.Kept)
			}
			if !equal32(in, ref.LogMel) {
				t.Error("Embed modified its input frames")
			}
			checkClose(t, got, c.Embedding, 1e-5)
		})
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkClose(t *testing.T, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	var worst float64
	at := 0
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > worst {
			worst, at = d, i
		}
	}
	t.Logf("max |go - numpy| = %.2g (index %d)", worst, at)
	if worst > tol {
		t.Errorf("value %d: %g, numpy %g (tolerance %g)", at, got[at], want[at], tol)
	}
}

// numpyStatsScript computes, for each case of argv[3] (JSON: n_ceps, cmn,
// vad, vad_db), the baseline embedding in numpy/scipy of the float32
// frames [n, n_mels] of argv[1] (JSON) with n_mels argv[2], and prints
// them as JSON [{"embedding": values rounded to 1e-7, "kept": frames}].
const numpyStatsScript = `
import json, sys
import numpy as np
import scipy.fft
n_mels, cases = int(sys.argv[2]), json.loads(sys.argv[3])
X0 = np.array(json.loads(sys.argv[1]), dtype=np.float32).reshape(-1, n_mels).astype(np.float64)
out = []
for c in cases:
    X = X0
    if c["vad"]:
        db = 10 * np.log10(np.maximum((np.expm1(np.maximum(X, 0) * np.log(10)) / 10000).sum(axis=1), 1e-10))
        X = X[db > db.max() - c["vad_db"]]
    C = scipy.fft.dct(X, type=2, norm="ortho", axis=1)[:, :c["n_ceps"]]
    if c["cmn"]:
        C = C - C.mean(axis=0)
    v = np.concatenate([X.mean(axis=0), X.std(axis=0), C.mean(axis=0), C.std(axis=0)])
    out.append({"embedding": np.round(v, 7).tolist(), "kept": len(X)})
print(json.dumps(out))
`

// TestEmbedMatchesNumpy runs the numpy transcription on voxsiam's own
// log-mel frames (32 bands, so the stored reference stays small) of a 0.8 s
// speech-like signal with a 0.2 s pause: the stored values, then the live
// run where the venv exists.
func TestEmbedMatchesNumpy(t *testing.T) {
	cfg := feature.DefaultConfig()
	cfg.NMels = 32
	ext, err := feature.NewExtractor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	frames, n := ext.Compute(nil, pausedTone(0.8, 16000))
	cases := []struct {
		name string
		opts Options
	}{
		{"default", Options{}},
		{"cmn", Options{CMN: true}},
		{"vad30", Options{VAD: true}},
		{"mfcc30_vad12", Options{NCeps: 30, VAD: true, VADThresholdDB: 12}},
	}
	var args []map[string]any
	for _, c := range cases {
		o := c.opts.withDefaults()
		args = append(args, map[string]any{"n_ceps": o.NCeps, "cmn": o.CMN, "vad": o.VAD, "vad_db": o.VADThresholdDB})
	}
	in, _ := json.Marshal(frames)
	arg, _ := json.Marshal(args)
	testenv.Reference(t, "numpy-stats", numpyStatsScript, []string{string(in), "32", string(arg)}, func(t *testing.T, out []byte) {
		var want []struct {
			Embedding []float64
			Kept      int
		}
		if err := json.Unmarshal(out, &want); err != nil || len(want) != len(cases) {
			t.Fatalf("%d results for %d cases: %v", len(want), len(cases), err)
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o := c.opts.withDefaults()
				e, err := NewEmbedder(32, feature.KindLogMel, o)
				if err != nil {
					t.Fatal(err)
				}
				got, kept := e.Embed(nil, frames, n)
				if kept != want[i].Kept {
					t.Errorf("kept %d of %d frames, numpy %d", kept, n, want[i].Kept)
				}
				if o.VAD == (kept == n) {
					t.Errorf("VAD %v kept %d of %d frames (the signal has a 0.2 s pause)", o.VAD, kept, n)
				}
				checkClose(t, got, want[i].Embedding, 1e-5)
			})
		}
	})
}
