package feature

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// kaldiFbankScript is an independent numpy transcription of Kaldi's
// compute-fbank-feats formulas (feature-window.cc, feature-fbank.cc,
// mel-computations.cc; torchaudio.compliance.kaldi.fbank follows the same
// ones): int16 scaling, snip_edges framing, DC removal, pre-emphasis, povey
// window, zero-padding to n_fft, power spectrum, HTK-mel triangles in the
// mel domain over bins 0..n_fft/2-1, ln(max(e, FLT_EPSILON)).
const kaldiFbankScript = `
import json, sys
import numpy as np
x = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64) * 32768
c = json.loads(sys.argv[2])
sr, wl, hop, nfft, nm, pre = c["sr"], c["win"], c["hop"], c["n_fft"], c["n_mels"], c["pre"]
mel = lambda f: 1127.0 * np.log(1.0 + f / 700.0)
nf = 1 + (len(x) - wl) // hop
frames = np.stack([x[t*hop:t*hop+wl] for t in range(nf)])
frames -= frames.mean(axis=1, keepdims=True)
frames = np.concatenate([frames[:, :1] * (1 - pre), frames[:, 1:] - pre * frames[:, :-1]], axis=1)
a = 2 * np.pi / (wl - 1)
frames *= (0.5 - 0.5 * np.cos(a * np.arange(wl))) ** 0.85
P = np.abs(np.fft.rfft(frames, n=nfft, axis=1)) ** 2
ml, mh = mel(c["fmin"]), mel(sr / 2)
d = (mh - ml) / (nm + 1)
bm = mel(np.arange(nfft // 2) * sr / nfft)
fb = np.zeros((nm, nfft // 2))
for m in range(nm):
    l, ce, r = ml + m * d, ml + (m + 1) * d, ml + (m + 2) * d
    tri = np.where(bm <= ce, (bm - l) / (ce - l), (r - bm) / (r - ce))
    fb[m] = np.where((bm > l) & (bm < r), tri, 0.0)
E = P[:, :nfft // 2] @ fb.T
print(json.dumps(np.round(np.log(np.maximum(E, np.finfo(np.float32).eps)), 6).ravel().tolist()))
`

// TestFbankMatchesKaldiFormulas compares kind "fbank" with the numpy
// transcription above on 0.06 s of the speech-like signal (4 frames; the
// stored reference, then the live run where the venv exists): max abs diff
// of the log energies <= 1e-4 (measured about 1e-6: float32 output and
// the reference's rounding).
func TestFbankMatchesKaldiFormulas(t *testing.T) {
	x := speechLike(16000)[4000:4960]
	for _, nMels := range []int{23, 80} {
		t.Run(fmt.Sprint(nMels), func(t *testing.T) {
			xs, _ := json.Marshal(x)
			arg, _ := json.Marshal(map[string]any{"sr": 16000, "win": 400, "hop": 160, "n_fft": 512, "n_mels": nMels, "pre": 0.97, "fmin": 20})
			testenv.Reference(t, fmt.Sprintf("kaldi-fbank-%d", nMels), kaldiFbankScript, []string{string(xs), string(arg)}, func(t *testing.T, out []byte) {
				var want []float64
				if err := json.Unmarshal(out, &want); err != nil {
					t.Fatal(err)
				}
				cfg := FbankConfig()
				cfg.NMels = nMels
				e, err := NewExtractor(cfg)
				if err != nil {
					t.Fatal(err)
				}
				got, n := e.Compute(nil, x)
				if n != 1+(len(x)-400)/160 || len(got) != len(want) {
					t.Fatalf("%d frames (%d values), reference has %d values", n, len(got), len(want))
				}
				d := maxAbsDiff(got, want)
				t.Logf("n_mels %d: %d frames, max |go - numpy Kaldi| = %.2g", nMels, n, d)
				if d > 1e-4 {
					t.Errorf("max abs diff %g > 1e-4", d)
				}
			})
		})
	}
}

// TestKaldiFormulas checks building blocks against values computed by hand
// from the Kaldi definitions.
func TestKaldiFormulas(t *testing.T) {
	// MelScale(700 Hz) = 1127 ln 2; MelScale(0) = 0.
	if got, want := kaldiMel(700), 1127*math.Ln2; math.Abs(got-want) > 1e-12 {
		t.Errorf("kaldiMel(700) = %v, want %v", got, want)
	}
	// Povey window of length 5: (0.5 - 0.5 cos(2 pi i / 4))^0.85 =
	// [0, 0.5^0.85, 1, 0.5^0.85, 0].
	h := math.Pow(0.5, 0.85)
	opt := cmpopts.EquateApprox(0, 1e-12)
	if d := cmp.Diff([]float64{0, h, 1, h, 0}, window("povey", 5), opt); d != "" {
		t.Errorf("povey window (-want +got):\n%s", d)
	}
	// Hamming of length 3: 0.54 - 0.46 cos(pi i) = [0.08, 1, 0.08].
	if d := cmp.Diff([]float64{0.08, 1, 0.08}, window("hamming", 3), opt); d != "" {
		t.Errorf("hamming window (-want +got):\n%s", d)
	}
	// Periodic Hann of length 4 (scipy get_window('hann', 4)) = [0, .5, 1, .5].
	if d := cmp.Diff([]float64{0, 0.5, 1, 0.5}, window("hann", 4), opt); d != "" {
		t.Errorf("hann window (-want +got):\n%s", d)
	}
}
