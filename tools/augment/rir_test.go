package augment

import (
	"fmt"
	"math"
	"testing"
)

var testRooms = []Room{
	{Size: [3]float64{6, 4, 3}, Source: [3]float64{2, 1.5, 1.5}, Mic: [3]float64{4, 2.5, 1.2}, RT60: 0.4},
	{Size: [3]float64{10, 8, 3.5}, Source: [3]float64{3, 3, 1.7}, Mic: [3]float64{7, 5, 1.5}, RT60: 0.7},
	{Size: [3]float64{4, 3.5, 2.7}, Source: [3]float64{1.13, 0.87, 1.52}, Mic: [3]float64{2.91, 2.44, 1.17}, RT60: 0.25},
}

// TestRIRDecayAndDirectPath checks the image-method responses of three
// rooms: the direct sound peaks at |source-mic|/c·Rate samples (±1) with
// amplitude 1/(4π·d) times the fractional-delay kernel at that tap (±5%:
// the 100 Hz high-pass and neighbouring images), and the reverberation time
// measured by Schroeder backward integration (T30: the -5 to -35 dB line of
// the energy decay curve, extrapolated to 60 dB) is within 10% of the
// requested RT60. The T30s come from numpy (a
// transcription of ISO 3382's method), and the Go measurement must agree
// with numpy's to 1%.
func TestRIRDecayAndDirectPath(t *testing.T) {
	var rirs [][]float64
	for _, rm := range testRooms {
		rm.Length = int(1.5 * rm.RT60 * Rate)
		h, err := rm.RIR()
		if err != nil {
			t.Fatal(err)
		}
		rirs = append(rirs, f64(h))
	}
	const script = `
import json, sys, numpy as np
d = json.load(open(sys.argv[1])); out = []
for h in d["rirs"]:
    h = np.array(h); edc = np.cumsum((h**2)[::-1])[::-1]; edc = 10*np.log10(edc / edc[0])
    k = np.where((edc <= -5) & (edc >= -35))[0]
    slope = np.polyfit(k / 16000.0, edc[k], 1)[0]
    out.append({"t30": -60.0 / slope, "peak": int(np.argmax(np.abs(h))), "head": float(np.sum(h[:2000]))})
print(json.dumps(out))
`
	for _, ref := range references(t, "rir", script, map[string]any{"rirs": rirs}) {
		var want []struct {
			T30  float64
			Peak int
			Head float64
		}
		decode(t, ref, &want)
		for i, rm := range testRooms {
			t.Run(fmt.Sprintf("room%d", i), func(t *testing.T) {
				h, w := rirs[i], want[i]
				var head float64
				for _, v := range h[:2000] {
					head += v
				}
				if math.Abs(head-w.Head) > 1e-6*math.Abs(w.Head)+1e-9 {
					t.Fatalf("%s: RIR changed (sum of the first 2000 taps %g, stored %g); rerun with -update", ref.origin, head, w.Head)
				}
				d := dist(rm.Source, rm.Mic)
				delay := d / SoundSpeed * Rate
				if math.Abs(float64(w.Peak)-delay) > 1 {
					t.Errorf("%s: strongest tap at %d, direct path at %.2f samples", ref.origin, w.Peak, delay)
				}
				wantA := hannSinc()(float64(w.Peak)-delay) / (4 * math.Pi * d)
				if a := h[w.Peak]; math.Abs(a/wantA-1) > 0.05 {
					t.Errorf("%s: direct-path tap %.5f, want 1/(4πd)·sinc(%.2f) = %.5f ± 5%%", ref.origin, a, float64(w.Peak)-delay, wantA)
				}
				got := schroederT30(h)
				t.Logf("%s: RT60 %.2f s requested, T30 %.3f s (numpy), %.3f s (Go)", ref.origin, rm.RT60, w.T30, got)
				if math.Abs(got-w.T30) > 0.01*w.T30 {
					t.Errorf("%s: Go T30 %.4f s, numpy %.4f s", ref.origin, got, w.T30)
				}
				if math.Abs(w.T30-rm.RT60) > 0.10*rm.RT60 {
					t.Errorf("%s: T30 %.3f s, requested RT60 %.2f s ± 10%%", ref.origin, w.T30, rm.RT60)
				}
			})
		}
	}
}

// schroederT30 is the T30 reverberation time of h in s: Schroeder's
// backward-integrated energy decay curve in dB, a least-squares line over
// its -5 to -35 dB part, extrapolated to -60 dB.
func schroederT30(h []float64) float64 {
	edc := make([]float64, len(h))
	var s float64
	for i := len(h) - 1; i >= 0; i-- {
		s += h[i] * h[i]
		edc[i] = s
	}
	var n, sx, sy, sxx, sxy float64
	for i, e := range edc {
		db := 10 * math.Log10(e/edc[0])
		if db > -5 || db < -35 {
			continue
		}
		x := float64(i) / Rate
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+db, sxx+x*x, sxy+x*db
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return -60 / slope
}

// TestRoomValidateAndRandom: positions outside the room are errors;
// random rooms keep their positions inside, away from the walls, and
// depend only on the seed.
func TestRoomValidateAndRandom(t *testing.T) {
	bad := Room{Size: [3]float64{4, 4, 3}, Source: [3]float64{5, 1, 1}, Mic: [3]float64{1, 1, 1}, RT60: 0.3}
	if _, err := bad.RIR(); err == nil {
		t.Error("a source outside the room was accepted")
	}
	c := DefaultRooms()
	for i := range 50 {
		rm := RandomRoom(c, NewRand(uint64(i), "room"))
		if err := rm.Validate(); err != nil {
			t.Fatal(err)
		}
		for k, l := range rm.Size {
			for _, p := range []float64{rm.Source[k], rm.Mic[k]} {
				if p < c.WallGap || p > l-c.WallGap {
					t.Fatalf("room %v: position %v within %g m of a wall", rm.Size, p, c.WallGap)
				}
			}
		}
		if rm != RandomRoom(c, NewRand(uint64(i), "room")) {
			t.Fatal("RandomRoom differs for the same seed")
		}
	}
}

// TestConvolveAndReverberate: the FFT convolution equals the direct sum;
// a delayed impulse as response gives back the input (shift to the
// strongest tap); the output keeps the input's power.
func TestConvolveAndReverberate(t *testing.T) {
	a, b := gaussian(1000, 1, 1), gaussian(300, 1, 2)
	got := Convolve(a, b)
	if len(got) != len(a)+len(b)-1 {
		t.Fatalf("%d samples, want %d", len(got), len(a)+len(b)-1)
	}
	for n := range got {
		var s float64
		for k := max(0, n-len(b)+1); k <= min(n, len(a)-1); k++ {
			s += float64(a[k]) * float64(b[n-k])
		}
		if math.Abs(float64(got[n])-s) > 1e-4 {
			t.Fatalf("Convolve[%d] = %g, direct sum %g", n, got[n], s)
		}
	}
	delta := make([]float32, 200)
	delta[50] = 0.3
	y := Reverberate(a, delta)
	if d := maxAbsDiff(f64(y), f64(a)); d > 1e-4 {
		t.Errorf("reverberation by a delayed impulse: max difference %g from the input", d)
	}
	h, _ := testRooms[0].RIR()
	y = Reverberate(a, h)
	if p, q := power(y), power(a); math.Abs(p/q-1) > 1e-5 {
		t.Errorf("reverberated power %g, input %g", p, q)
	}
}
