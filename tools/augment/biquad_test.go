package augment

import (
	"fmt"
	"testing"
)

// TestFilterMatchesLfilter runs each design through Filter and compares
// with scipy.signal.lfilter on the same coefficients, section by section;
// the Butterworth cascades are also compared with scipy.signal.butter's
// magnitude response.
func TestFilterMatchesLfilter(t *testing.T) {
	x := gaussian(3000, 0.3, 7)
	cases := []struct {
		name string
		sec  []Biquad
	}{
		{"peaking 1kHz +9dB q1.4", []Biquad{Peaking(Rate, 1000, 9, 1.4)}},
		{"peaking 250Hz -6dB q0.7", []Biquad{Peaking(Rate, 250, -6, 0.7)}},
		{"low shelf 200Hz +6dB", []Biquad{LowShelf(Rate, 200, 6)}},
		{"high shelf 4kHz -5dB", []Biquad{HighShelf(Rate, 4000, -5)}},
		{"butter4 high 300Hz", Butterworth4(Rate, 300, true)},
		{"butter4 low 3400Hz", Butterworth4(Rate, 3400, false)},
	}
	type in struct {
		Name string      `json:"name"`
		Sec  [][]float64 `json:"sec"`
		Kind string      `json:"kind"` // "", "highpass", "lowpass" for the Butterworth cases
		F0   float64     `json:"f0"`
	}
	input := struct {
		X     []float64 `json:"x"`
		Cases []in      `json:"cases"`
	}{X: f64(x)}
	for _, c := range cases {
		var sec [][]float64
		for _, s := range c.sec {
			sec = append(sec, []float64{s.B0, s.B1, s.B2, s.A1, s.A2})
		}
		e := in{Name: c.name, Sec: sec}
		fmt.Sscanf(c.name, "butter4 %s %gHz", &e.Kind, &e.F0)
		e.Kind += "pass"
		if len(c.sec) == 1 {
			e.Kind = ""
		}
		input.Cases = append(input.Cases, e)
	}
	const script = `
import json, sys, numpy as np, scipy.signal as ss
d = json.load(open(sys.argv[1])); x = np.array(d["x"])
out = {}
for c in d["cases"]:
    y = x.copy()
    for b0, b1, b2, a1, a2 in c["sec"]:
        y = ss.lfilter([b0, b1, b2], [1, a1, a2], y)
    r = {"y": [round(v, 8) for v in y[::10]]}
    if c["kind"]:
        sos = ss.butter(4, c["f0"], btype=c["kind"], fs=16000, output="sos")
        w = [100, 200, 300, 500, 1000, 2000, 3400, 5000, 7000]
        _, h = ss.sosfreqz(sos, worN=w, fs=16000)
        r["mag"] = np.abs(h).tolist(); r["w"] = w
    out[c["name"]] = r
print(json.dumps(out))
`
	for _, ref := range references(t, "biquad", script, input) {
		var want map[string]struct {
			Y   []float64 `json:"y"`
			Mag []float64 `json:"mag"`
			W   []float64 `json:"w"`
		}
		decode(t, ref, &want)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := want[c.name]
				y := Filter(nil, x, c.sec...)
				var got []float64
				for i := 0; i < len(y); i += 10 {
					got = append(got, float64(y[i]))
				}
				if d := maxAbsDiff(got, w.Y); len(w.Y) != len(got) || d > 1e-5 {
					t.Errorf("%s: max |Filter - lfilter| = %g over %d samples, want <= 1e-5 (float32 output)", ref.origin, d, len(got))
				}
				for i, f := range w.W {
					if m := magnitude(c.sec, f); abs64(m-w.Mag[i]) > 1e-6 {
						t.Errorf("%s: |H(%g Hz)| = %.7f, scipy butter %.7f", ref.origin, f, m, w.Mag[i])
					}
				}
			})
		}
	}
}

// magnitude is |H(e^jw)| of the cascade at f Hz.
func magnitude(sec []Biquad, f float64) float64 {
	z := cmplxExp(-2 * 3.141592653589793 * f / Rate)
	h := complex(1, 0)
	for _, s := range sec {
		num := complex(s.B0, 0) + complex(s.B1, 0)*z + complex(s.B2, 0)*z*z
		den := 1 + complex(s.A1, 0)*z + complex(s.A2, 0)*z*z
		h *= num / den
	}
	return cmplxAbs(h)
}
