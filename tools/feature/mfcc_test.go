package feature

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// mfccReference is one case of testdata/mfcc_reference.json, written by
// testdata/mfcc_reference.py (librosa 0.11 mfcc, checked there against
// scipy.fft.dct type 2 norm 'ortho'; numpy for CMN and energies).
type mfccReference struct {
	Name     string    `json:"name"`
	Kind     string    `json:"kind"`
	NMels    int       `json:"n_mels"`
	NMFCC    int       `json:"n_mfcc"`
	Frames   int       `json:"frames"`
	LogMel   []float32 `json:"logmel"`    // [frames, n_mels]
	MFCC     []float64 `json:"mfcc"`      // [frames, n_mfcc]
	MFCCCMN  []float64 `json:"mfcc_cmn"`  // [frames, n_mfcc], per-utterance mean removed
	EnergyDB []float64 `json:"energy_db"` // [frames]
}

func loadMFCCReference(t *testing.T) []mfccReference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mfcc_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []mfccReference }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in testdata/mfcc_reference.json")
	}
	return ref.Cases
}

// TestMFCCStoredReference checks DCT.MFCC, SubtractMean and
// FrameEnergiesDB against the stored librosa/numpy values (no Python
// needed). Tolerances: 2e-5 absolute on MFCCs (float32 outputs of
// magnitude <= 40), 1e-9 dB on energies (float64 on both sides).
func TestMFCCStoredReference(t *testing.T) {
	for _, c := range loadMFCCReference(t) {
		t.Run(c.Name, func(t *testing.T) {
			d, err := NewDCT(c.NMels, c.NMFCC)
			if err != nil {
				t.Fatal(err)
			}
			got := d.MFCC(nil, c.LogMel, c.Frames)
			checkClose(t, "mfcc", got, c.MFCC, 2e-5)
			SubtractMean(got, c.Frames, c.NMFCC)
			checkClose(t, "mfcc_cmn", got, c.MFCCCMN, 2e-5)
			e := FrameEnergiesDB(nil, c.LogMel, c.Frames, c.NMels, c.Kind)
			for i := range e {
				if math.Abs(e[i]-c.EnergyDB[i]) > 1e-9 {
					t.Errorf("energy of frame %d: %.12g dB, numpy %.12g", i, e[i], c.EnergyDB[i])
				}
			}
		})
	}
}

func checkClose(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	d := maxAbsDiff(got, want)
	t.Logf("%s: max |go - reference| = %.2g", what, d)
	if d > tol {
		t.Errorf("%s: max abs diff %g > %g", what, d, tol)
	}
}

// librosaMFCCScript reads float32 frames [n, n_mels] (JSON, argv[1], with
// n_mels in argv[2]) and, for each n_mfcc of argv[3:], prints
// librosa.feature.mfcc(S=frames.T, n_mfcc, dct_type=2, norm='ortho').T
// [n*n_mfcc] as JSON, {n_mfcc: values}, rounded to 1e-6.
const librosaMFCCScript = `
import json, sys
import numpy as np
import librosa
n_mels = int(sys.argv[2])
X = np.array(json.loads(sys.argv[1]), dtype=np.float32).reshape(-1, n_mels).astype(np.float64)
out = {}
for n_mfcc in map(int, sys.argv[3:]):
    M = librosa.feature.mfcc(S=X.T, n_mfcc=n_mfcc, dct_type=2, norm="ortho")
    out[str(n_mfcc)] = np.round(M.T, 6).ravel().tolist()
print(json.dumps(out))
`

// TestMFCCMatchesLibrosa runs librosa.feature.mfcc on voxsiam's own
// log-mel frames of the speech-like test signal (the frames the baseline
// uses; 3 frames, so the stored reference stays small) and compares: the
// stored values, then the live run where the venv exists. Tolerance 2e-5
// absolute (float32 output).
func TestMFCCMatchesLibrosa(t *testing.T) {
	e, err := NewExtractor(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	frames, n := e.Compute(nil, speechLike(16000)[4000:4320])
	in, _ := json.Marshal(frames)
	testenv.Reference(t, "librosa-mfcc", librosaMFCCScript, []string{string(in), "128", "20", "13", "128"}, func(t *testing.T, out []byte) {
		var want map[string][]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		for _, nCeps := range []int{20, 13, 128} {
			d, err := NewDCT(128, nCeps)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, fmt.Sprintf("%d frames, %d mfcc", n, nCeps), d.MFCC(nil, frames, n), want[fmt.Sprint(nCeps)], 2e-5)
		}
	})
}

func TestNewDCTRejectsBadSizes(t *testing.T) {
	for _, c := range []struct{ mels, ceps int }{{0, 1}, {10, 0}, {10, 11}, {-1, -1}} {
		if _, err := NewDCT(c.mels, c.ceps); err == nil {
			t.Errorf("NewDCT(%d, %d): no error", c.mels, c.ceps)
		}
	}
}

// TestDropSilentFrames: frames of known energy (kind fbank: ln P per band,
// so a frame of 2 bands at ln P has energy 10 log10(2P) dB).
func TestDropSilentFrames(t *testing.T) {
	lnP := func(db float64) float32 { return float32(math.Log(math.Pow(10, db/10) / 2)) }
	var frames []float32
	for _, db := range []float64{-60, 0, -29, -31, -10, -100} {
		frames = append(frames, lnP(db), lnP(db))
	}
	cases := []struct {
		name string
		thr  float64
		want []int // kept frame indices
	}{
		{"30 dB", 30, []int{1, 2, 4}},            // -31 dB is more than 30 below the loudest (0 dB)
		{"40 dB", 40, []int{1, 2, 3, 4}},         // -60 and -100 dB go
		{"5 dB", 5, []int{1}},                    // only the loudest
		{"200 dB", 200, []int{0, 1, 2, 3, 4, 5}}, // everything, the -100 dB floor included
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, n := DropSilentFrames(nil, frames, 6, 2, KindFbank, c.thr)
			if n != len(c.want) || len(got) != 2*n {
				t.Fatalf("kept %d frames (%d values), want %v", n, len(got), c.want)
			}
			for k, i := range c.want {
				if got[2*k] != frames[2*i] {
					t.Errorf("kept frame %d is %g, want frame %d (%g)", k, got[2*k], i, frames[2*i])
				}
			}
		})
	}
	t.Run("in place", func(t *testing.T) {
		x := append([]float32(nil), frames...)
		got, n := DropSilentFrames(x[:0], x, 6, 2, KindFbank, 30)
		if n != 3 || got[0] != frames[2] || got[2] != frames[4] || got[4] != frames[8] {
			t.Errorf("in place: %d frames %v", n, got)
		}
	})
	t.Run("all silent", func(t *testing.T) {
		zero := make([]float32, 3*128) // log-mel of digital silence
		if _, n := DropSilentFrames(nil, zero, 3, 128, KindLogMel, 30); n != 3 {
			t.Errorf("digital silence: kept %d of 3 frames", n)
		}
	})
}
