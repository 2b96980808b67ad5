package augment

import (
	"fmt"
	"math"
	"testing"
)

// TestMixSNRMeasuredByNumpy mixes a chirp with each noise colour at three
// SNRs; numpy measures 10·log10(Σs² / Σ(y-s)²) on the float32 signals
// (within 0.01 dB of the target), and scipy.signal.welch the noise's
// spectral slope in log power per log frequency over 100-4000 Hz: white 0,
// pink -1, brown -2 (±0.15).
func TestMixSNRMeasuredByNumpy(t *testing.T) {
	s := chirp(Rate, 200, 3000, 0.3)
	type mix struct {
		Name string    `json:"name"`
		SNR  float64   `json:"snr"`
		Y    []float64 `json:"y"`
	}
	var mixes []mix
	noises := map[string][]float64{}
	for i, c := range Colors {
		n, err := Noise(nil, 3*Rate, c, NewRand(1, string(c)))
		if err != nil {
			t.Fatal(err)
		}
		noises[string(c)] = f64(n)
		for j, snr := range []float64{0, 7.5, 15} {
			y := MixSNR(nil, s, n[(i+j)*100:], snr)
			mixes = append(mixes, mix{fmt.Sprintf("%s@%g", c, snr), snr, f64(y)})
		}
	}
	const script = `
import json, sys, numpy as np, scipy.signal as ss
d = json.load(open(sys.argv[1])); s = np.array(d["s"], dtype=np.float32).astype(np.float64)
out = {"snr": {}, "slope": {}, "head": {}}
for m in d["mixes"]:
    y = np.array(m["y"], dtype=np.float32).astype(np.float64)
    out["snr"][m["name"]] = 10 * np.log10(np.sum(s**2) / np.sum((y - s)**2))
for c, n in d["noises"].items():
    f, p = ss.welch(np.array(n), fs=16000, nperseg=4096)
    k = (f >= 100) & (f <= 4000)
    out["slope"][c] = np.polyfit(np.log10(f[k]), np.log10(p[k]), 1)[0]
    out["head"][c] = n[:8]
print(json.dumps(out))
`
	in := map[string]any{"s": f64(s), "mixes": mixes, "noises": noises}
	for _, ref := range references(t, "noise", script, in) {
		var want struct {
			SNR   map[string]float64
			Slope map[string]float64
			Head  map[string][]float64
		}
		decode(t, ref, &want)
		for _, m := range mixes {
			if got := want.SNR[m.Name]; math.Abs(got-m.SNR) > 0.01 {
				t.Errorf("%s: %s: numpy SNR %.4f dB, want %g", ref.origin, m.Name, got, m.SNR)
			}
		}
		for c, slope := range map[Color]float64{White: 0, Pink: -1, Brown: -2} {
			if d := maxAbsDiff(noises[string(c)][:8], want.Head[string(c)]); d > 1e-7 {
				t.Fatalf("%s: the %s noise generator changed (head differs by %g); rerun with -update", ref.origin, c, d)
			}
			t.Logf("%s: %s noise slope %.3f (want %g)", ref.origin, c, want.Slope[string(c)], slope)
			if got := want.Slope[string(c)]; math.Abs(got-slope) > 0.15 {
				t.Errorf("%s: %s noise: welch slope %.3f, want %g ± 0.15", ref.origin, c, got, slope)
			}
		}
	}
}

// TestMixSNREdgeCases: silent speech gets no noise; a short noise is tiled.
func TestMixSNREdgeCases(t *testing.T) {
	silent := make([]float32, 100)
	if y := MixSNR(nil, silent, []float32{1, -1}, 0); power(y) != 0 {
		t.Errorf("silent speech: output power %g, want 0", power(y))
	}
	s := chirp(1000, 300, 300, 0.5)
	y := MixSNR(nil, s, []float32{1, -1, 0.5}, 10)
	d := make([]float32, len(s))
	for i := range s {
		d[i] = y[i] - s[i]
	}
	if got := dB(power(s) / power(d)); math.Abs(got-10) > 1e-3 {
		t.Errorf("tiled noise: SNR %.4f dB, want 10", got)
	}
	if _, err := Noise(nil, 10, "purple", NewRand(1, "")); err == nil {
		t.Error("Noise accepted an unknown colour")
	}
}

// TestBabble: talkers at unit RMS summed, so k independent talkers give
// power about k; silent ones add nothing.
func TestBabble(t *testing.T) {
	ts := [][]float32{gaussian(4000, 0.1, 1), gaussian(3000, 0.5, 2), gaussian(5000, 2, 3), make([]float32, 10)}
	b := Babble(8000, ts, NewRand(1, "b"))
	if p := power(b); math.Abs(p-3) > 0.3 {
		t.Errorf("babble of 3 talkers: power %.3f, want about 3", p)
	}
}
