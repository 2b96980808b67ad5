package augment

import (
	"fmt"
	"math"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestSpeedMatchesSoxAndScipy compares Speed on a chirp with
// scipy.signal.resample_poly (the same filter: equal to float32 rounding)
// and with `sox in.wav out.wav speed f` (another resampler: equal to 0.5% of
// the signal's RMS, 16-bit output, 50 samples at each edge left out).
func TestSpeedMatchesSoxAndScipy(t *testing.T) {
	x := chirp(8000, 100, 5000, 0.5)
	var wav []int16
	for _, v := range x {
		wav = append(wav, quant16(v))
	}
	const script = `
import json, sys, subprocess, tempfile, os, numpy as np, scipy.signal as ss, scipy.io.wavfile as wf
d = json.load(open(sys.argv[1])); pcm = np.array(d["pcm"], dtype=np.int16); x = pcm / 32768.0
out = {}
with tempfile.TemporaryDirectory() as tmp:
    wf.write(os.path.join(tmp, "in.wav"), 16000, pcm)
    for f, up, down in [(0.9, 10, 9), (1.1, 10, 11)]:
        o = os.path.join(tmp, "out.wav")
        subprocess.run(["sox", "-D", os.path.join(tmp, "in.wav"), o, "speed", str(f)], check=True)
        rate, s = wf.read(o)
        assert rate == 16000
        out[str(f)] = {"scipy": [round(v, 7) for v in ss.resample_poly(x, up, down)[::7]], "sox": [round(v, 6) for v in s[::7] / 32768.0], "sox_len": len(s)}
print(json.dumps(out))
`
	in := map[string]any{"pcm": wav}
	if testenv.HavePython(t) {
		testenv_require(t, "sox")
	}
	xq := make([]float32, len(wav))
	for i, v := range wav {
		xq[i] = float32(v) / 32768
	}
	for _, ref := range references(t, "speed", script, in) {
		var want map[string]struct {
			Scipy, Sox []float64
			SoxLen     int `json:"sox_len"`
		}
		decode(t, ref, &want)
		for _, f := range SpeedFactors {
			t.Run(fmt.Sprint(f), func(t *testing.T) {
				w := want[fmt.Sprint(f)]
				y := Speed(xq, f)
				var got []float64
				for i := 0; i < len(y); i += 7 {
					got = append(got, float64(y[i]))
				}
				if len(got) != len(w.Scipy) {
					t.Fatalf("%s: %d samples, resample_poly %d", ref.origin, len(got), len(w.Scipy))
				}
				if d := maxAbsDiff(got, w.Scipy); d > 2e-6 {
					t.Errorf("%s: max |Speed - resample_poly| = %g, want <= 2e-6", ref.origin, d)
				}
				if abs(len(y)-w.SoxLen) > 1 {
					t.Errorf("%s: %d samples, sox %d", ref.origin, len(y), w.SoxLen)
				}
				n := min(len(got), len(w.Sox))
				var e, p float64
				for i := 8; i < n-8; i++ { // 50 samples at 7 per value
					e += (got[i] - w.Sox[i]) * (got[i] - w.Sox[i])
					p += w.Sox[i] * w.Sox[i]
				}
				rel := math.Sqrt(e / p)
				t.Logf("%s: speed %g: RMS(Speed - sox) / RMS(sox) = %.5f", ref.origin, f, rel)
				if rel > 0.005 {
					t.Errorf("%s: RMS(Speed - sox speed %g) / RMS(sox) = %.4f, want <= 0.005", ref.origin, f, rel)
				}
			})
		}
	}
}

// TestSpeedMovesPitch checks tape-speed behaviour: a 1 kHz tone comes out
// at 1 kHz·f (counted zero crossings, ±2 Hz) and the length at n/f.
func TestSpeedMovesPitch(t *testing.T) {
	x := chirp(Rate, 1000, 1000, 0.5)
	for _, f := range SpeedFactors {
		y := Speed(x, f)
		if want := int(math.Ceil(float64(len(x)) / f)); len(y) != want {
			t.Errorf("speed %g: %d samples, want %d", f, len(y), want)
		}
		mid := y[1000 : len(y)-1000]
		zc := 0
		for i := 1; i < len(mid); i++ {
			if (mid[i-1] < 0) != (mid[i] < 0) {
				zc++
			}
		}
		hz := float64(zc) / 2 / (float64(len(mid)) / Rate)
		if math.Abs(hz-1000*f) > 2 {
			t.Errorf("speed %g: tone at %.1f Hz, want %.1f", f, hz, 1000*f)
		}
	}
	if got := SpeakerPrefix(0.9) + "spk"; got != "sp0.9-spk" {
		t.Errorf("speaker %q, want sp0.9-spk", got)
	}

}
