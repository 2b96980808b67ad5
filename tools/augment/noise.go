package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Color is the spectral shape of generated noise.
type Color string

// Noise colours: power spectral density flat (white), falling as 1/f
// (pink, -3 dB per octave) or 1/f² (brown, -6 dB per octave).
const (
	White Color = "white"
	Pink  Color = "pink"
	Brown Color = "brown"
)

// Colors lists the noise colours.
var Colors = []Color{White, Pink, Brown}

// pinkB and pinkA shape white noise to 1/f within ±0.5 dB over four decades
// below Nyquist: the three-pole, three-zero filter of J. O. Smith,
// "Spectral Audio Signal Processing", section "Example: Synthesis of 1/f
// Noise (Pink Noise)" (b = [0.049922035 -0.095993537 0.050612699
// -0.004408786], a = [1 -2.494956002 2.017265875 -0.522189400]).
var pinkB = [4]float64{0.049922035, -0.095993537, 0.050612699, -0.004408786}
var pinkA = [4]float64{1, -2.494956002, 2.017265875, -0.522189400}

// brownLeak is the pole of the leaky integrator making brown noise: corner
// frequency (1-leak)·Rate/(2π) ≈ 12.7 Hz at 16 kHz, below speech.
const brownLeak = 0.995

// warmUp samples are generated and dropped so filters start in their
// stationary state (about 9 time constants of the brown integrator).
const warmUp = 2000

// Noise fills dst (allocated when nil or short; n samples) with Gaussian
// noise of colour c, scaled to unit RMS over the n samples, and returns it.
func Noise(dst []float32, n int, c Color, r *rand.Rand) ([]float32, error) {
	w := make([]float64, n+warmUp)
	for i := range w {
		w[i] = r.NormFloat64()
	}
	switch c {
	case White:
	case Pink:
		iir(w, pinkB[:], pinkA[:])
	case Brown:
		iir(w, []float64{1}, []float64{1, -brownLeak})
	default:
		return nil, fmt.Errorf("augment: unknown noise colour %q (want white, pink or brown)", c)
	}
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	var p float64
	for _, v := range w[warmUp:] {
		p += v * v
	}
	g := 1 / math.Sqrt(max(p/float64(max(n, 1)), 1e-30))
	for i, v := range w[warmUp:] {
		dst[i] = float32(v * g)
	}
	return dst, nil
}

// iir filters x in place with b/a (a[0] = 1), direct form II transposed.
func iir(x []float64, b, a []float64) {
	n := max(len(a), len(b))
	z := make([]float64, n)
	coef := func(c []float64, i int) float64 {
		if i < len(c) {
			return c[i]
		}
		return 0
	}
	for i, v := range x {
		y := coef(b, 0)*v + z[0]
		for k := 1; k < n; k++ {
			z[k-1] = coef(b, k)*v - coef(a, k)*y + z[k]
		}
		x[i] = y
	}
}

// MixSNR returns speech + g·noise in dst (allocated when nil or short;
// it may alias speech), with g chosen so that 10·log10(P_speech /
// P_scaled_noise) = snrDB, powers being mean squares over len(speech)
// samples. The noise is tiled when shorter than the speech and cut when
// longer, as Kaldi's wav-reverberate --additive-signals does. Silent speech
// or noise is returned unchanged (no noise added).
func MixSNR(dst, speech, noise []float32, snrDB float64) []float32 {
	if cap(dst) < len(speech) {
		dst = make([]float32, len(speech))
	}
	dst = dst[:len(speech)]
	if len(noise) == 0 {
		copy(dst, speech)
		return dst
	}
	var pn float64
	for i := range speech {
		v := float64(noise[i%len(noise)])
		pn += v * v
	}
	pn /= float64(max(len(speech), 1))
	ps := power(speech)
	g := 0.0
	if ps > 0 && pn > 0 {
		g = math.Sqrt(ps / (pn * math.Pow(10, snrDB/10)))
	}
	for i, v := range speech {
		dst[i] = float32(float64(v) + g*float64(noise[i%len(noise)]))
	}
	return dst
}

// Babble returns n samples of babble: the sum of the talkers, each scaled to
// unit RMS, starting at a random offset and looped to n samples (Kaldi's
// babble noise: 3-7 MUSAN speech recordings summed, egs/voxceleb/v2). Empty
// or silent talkers contribute nothing.
func Babble(n int, talkers [][]float32, r *rand.Rand) []float32 {
	out := make([]float32, n)
	for _, t := range talkers {
		p := power(t)
		if p == 0 {
			continue
		}
		g := 1 / math.Sqrt(p)
		off := r.IntN(len(t))
		for i := range out {
			out[i] += float32(g * float64(t[(off+i)%len(t)]))
		}
	}
	return out
}
