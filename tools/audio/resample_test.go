package audio

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// resamplePolyScript resamples, for each rate of argv[2] (JSON {rate:
// float32 samples}), the samples to argv[1] Hz with
// scipy.signal.resample_poly(x, up, down) in float64 (its default filter:
// firwin, Kaiser beta 5, half-length 10*max(up, down)) and prints them as
// JSON {rate: samples}, rounded to 1e-8.
const resamplePolyScript = `
import json, sys
from math import gcd
import numpy as np
from scipy.signal import resample_poly
to, xs = int(sys.argv[1]), json.loads(sys.argv[2])
out = {}
for fr, x in xs.items():
    g = gcd(int(fr), to)
    y = resample_poly(np.array(x, dtype=np.float32).astype(np.float64), to // g, int(fr) // g)
    out[fr] = np.round(y, 8).tolist()
print(json.dumps(out))
`

// chirp is a linear sweep from f0 to f1 Hz over n samples at rate Hz.
func chirp(n, rate int, f0, f1 float64) []float32 {
	x := make([]float32, n)
	T := float64(n) / float64(rate)
	for i := range x {
		t := float64(i) / float64(rate)
		x[i] = float32(0.8 * math.Sin(2*math.Pi*(f0*t+(f1-f0)*t*t/(2*T))))
	}
	return x
}

// TestResampleMatchesScipy compares Resample with scipy.signal.resample_poly
// on a 50 Hz .. 0.45*rate chirp of 8 ms (short, so the stored reference
// stays small; the filter spans under 2 ms of output on each side): the
// stored values, then the live run where the venv exists. The filters are
// designed alike, so only float32 rounding separates them: max abs diff
// <= 1e-5 (measured about 1e-7).
func TestResampleMatchesScipy(t *testing.T) {
	rates := []int{8000, 22050, 44100, 48000, 24000}
	xs := map[string][]float32{}
	for _, from := range rates {
		xs[fmt.Sprint(from)] = chirp(from*8/1000, from, 50, 0.45*float64(from))
	}
	arg, _ := json.Marshal(xs)
	testenv.Reference(t, "scipy-resample", resamplePolyScript, []string{"16000", string(arg)}, func(t *testing.T, out []byte) {
		var want map[string][]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		for _, rate := range rates {
			from, x := fmt.Sprint(rate), xs[fmt.Sprint(rate)]
			got := Resample(x, rate, 16000)
			if len(got) != len(want[from]) {
				t.Fatalf("%s -> 16000: %d samples, scipy %d", from, len(got), len(want[from]))
			}
			d := maxAbsDiff64(got, want[from])
			t.Logf("%s -> 16000: %d -> %d samples, max |go - scipy| = %.2g", from, len(x), len(got), d)
			if d > 1e-5 {
				t.Errorf("%s -> 16000: max abs diff %g > 1e-5", from, d)
			}
		}
	})
}

// TestResampleBands checks the filter itself on pure tones, after dropping
// 50 ms at each end: a 1 kHz tone keeps its RMS within 0.01 dB
// (passband), and a tone above the new Nyquist frequency (12 kHz from 44.1
// kHz, 10 kHz from 48 kHz, into 16 kHz) is attenuated by at least 50 dB
// instead of aliasing (stopband). Reference RMS of a sine: amplitude/sqrt 2.
func TestResampleBands(t *testing.T) {
	cases := []struct {
		name    string
		from    int
		freq    float64
		minGain float64 // dB
		maxGain float64 // dB
	}{
		{"passband 44.1k 1 kHz", 44100, 1000, -0.01, 0.01},
		{"passband 8k 1 kHz (upsampling)", 8000, 1000, -0.01, 0.01},
		{"stopband 44.1k 12 kHz", 44100, 12000, -300, -50},
		{"stopband 48k 10 kHz", 48000, 10000, -300, -50},
		{"stopband 22.05k 10 kHz", 22050, 10000, -300, -50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := chirp(c.from/2, c.from, c.freq, c.freq)
			y := Resample(x, c.from, 16000)
			y = y[800 : len(y)-800]
			gain := 20 * math.Log10(rms(y)/(0.8/math.Sqrt2))
			if gain < c.minGain || gain > c.maxGain {
				t.Errorf("gain %.3f dB, want in [%g, %g]", gain, c.minGain, c.maxGain)
			}
		})
	}
}

func rms(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}
