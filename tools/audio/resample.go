package audio

import "math"

// Design of the anti-aliasing filter: the same as scipy.signal.resample_poly
// with its defaults, so outputs agree to float rounding (see resample_test.go).
const (
	kaiserBeta  = 5.0 // Kaiser window shape (about 55 dB stopband attenuation)
	halfLenMult = 10  // filter half-length in units of max(up, down)
)

// Resample converts x from rate from to rate to (both in Hz) with a
// band-limited polyphase resampler: the rational ratio up/down =
// to/from reduced by their gcd, a windowed-sinc low-pass FIR of
// 2*10*max(up,down)+1 taps (Kaiser window, beta 5) with cutoff at the lower
// of the two Nyquist frequencies, applied only at the needed output phases.
// Samples beyond either end count as zero. The output has
// ceil(len(x)*up/down) samples; x is returned unchanged (not copied) when
// from == to. It panics when a rate is not positive.
func Resample(x []float32, from, to int) []float32 {
	if from <= 0 || to <= 0 {
		panic("audio: Resample rates must be positive")
	}
	if from == to {
		return x
	}
	g := gcd(from, to)
	up, down := to/g, from/g
	h, half := lowpass(up, down)
	nOut := (len(x)*up + down - 1) / down
	y := make([]float32, nOut)
	bank := polyphase(h, up)
	for m := range y {
		t := m*down + half
		taps := bank[t%up]
		k := t / up // newest input sample under tap 0
		y[m] = float32(dotRev(taps, x, k))
	}
	return y
}

// dotRev returns sum_j taps[j]*x[k-j] over the j with 0 <= k-j < len(x).
func dotRev(taps []float64, x []float32, k int) float64 {
	j0 := 0
	if k >= len(x) {
		j0 = k - len(x) + 1
	}
	j1 := min(len(taps), k+1)
	var s float64
	for j := j0; j < j1; j++ {
		s += taps[j] * float64(x[k-j])
	}
	return s
}

// polyphase splits h into up phases: phase p holds h[p], h[p+up], ....
func polyphase(h []float64, up int) [][]float64 {
	bank := make([][]float64, up)
	for p := range bank {
		for i := p; i < len(h); i += up {
			bank[p] = append(bank[p], h[i])
		}
	}
	return bank
}

// lowpass designs the filter as scipy.signal.firwin(2*half+1, 1/max(up,down),
// window=('kaiser', 5.0)) scaled by up: a sinc with cutoff 1/max(up,down) of
// the upsampled Nyquist rate, times a symmetric Kaiser window, normalised to
// unit DC gain and multiplied by up to make up for the inserted zeros.
func lowpass(up, down int) (h []float64, half int) {
	r := max(up, down)
	half = halfLenMult * r
	fc := 1 / float64(r)
	n := 2*half + 1
	h = make([]float64, n)
	i0b := besselI0(kaiserBeta)
	var sum float64
	for i := range h {
		m := float64(i - half)
		w := besselI0(kaiserBeta*math.Sqrt(max(0, 1-(m/float64(half))*(m/float64(half))))) / i0b
		h[i] = fc * sinc(fc*m) * w
		sum += h[i]
	}
	for i := range h {
		h[i] *= float64(up) / sum
	}
	return h, half
}

// sinc is the normalised sinc, sin(pi x)/(pi x).
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series sum_k ((x/2)^k / k!)^2 (converges fast for |x| < 50).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < 1e-17*sum {
			break
		}
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
