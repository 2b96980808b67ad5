package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// resamplePolyScript reads float32 samples from argv[1]/<rate>.f32 for each
// rate in argv[3:], resamples them to argv[2] Hz with
// scipy.signal.resample_poly(x, up, down) in float64 (its default filter:
// firwin, Kaiser beta 5, half-length 10*max(up, down)) and writes float64s
// to argv[1]/<rate>.f64.
const resamplePolyScript = `
import sys
from math import gcd
import numpy as np
from scipy.signal import resample_poly
d, to = sys.argv[1], int(sys.argv[2])
for fr in map(int, sys.argv[3:]):
    x = np.fromfile("%s/%d.f32" % (d, fr), dtype="<f4").astype(np.float64)
    g = gcd(fr, to)
    resample_poly(x, to // g, fr // g).astype("<f8").tofile("%s/%d.f64" % (d, fr))
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
// on a 50 Hz .. 0.45*rate chirp of 0.3 s; the filters are designed alike, so
// only float32 rounding separates them: max abs diff <= 1e-5 (measured
// about 1e-7).
func TestResampleMatchesScipy(t *testing.T) {
	rates := []int{8000, 22050, 44100, 48000, 24000}
	dir := t.TempDir()
	args := []string{dir, "16000"}
	for _, from := range rates {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.f32", from)))
		if err != nil {
			t.Fatal(err)
		}
		binary.Write(f, binary.LittleEndian, chirp(from*3/10, from, 50, 0.45*float64(from)))
		f.Close()
		args = append(args, fmt.Sprint(from))
	}
	testenv.RunPython(t, resamplePolyScript, args...)
	for _, from := range rates {
		t.Run(fmt.Sprint(from), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.f64", from)))
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, len(raw)/8)
			binary.Read(bytes.NewReader(raw), binary.LittleEndian, want)
			x := chirp(from*3/10, from, 50, 0.45*float64(from))
			got := Resample(x, from, 16000)
			d := maxAbsDiff64(got, want)
			t.Logf("%d -> 16000: %d -> %d samples, max |go - scipy| = %.2g", from, len(x), len(got), d)
			if d > 1e-5 {
				t.Errorf("max abs diff %g > 1e-5", d)
			}
		})
	}
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
