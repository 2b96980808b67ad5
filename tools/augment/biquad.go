package augment

import "math"

// Biquad is one second-order IIR section with a0 normalised to 1:
//
//	y[n] = B0·x[n] + B1·x[n-1] + B2·x[n-2] - A1·y[n-1] - A2·y[n-2]
//
// the coefficient convention of scipy.signal.lfilter(b=[B0, B1, B2],
// a=[1, A1, A2]).
type Biquad struct{ B0, B1, B2, A1, A2 float64 }

// Filter runs x through the cascade of sections (zero initial state, direct
// form II transposed in float64, as scipy.signal.lfilter computes each
// section) and writes the output to dst, which may be x itself; a nil or
// short dst is allocated. It returns dst[:len(x)].
func Filter(dst, x []float32, sections ...Biquad) []float32 {
	if cap(dst) < len(x) {
		dst = make([]float32, len(x))
	}
	dst = dst[:len(x)]
	buf := make([]float64, len(x))
	for i, v := range x {
		buf[i] = float64(v)
	}
	for _, s := range sections {
		var z1, z2 float64
		for i, v := range buf {
			y := s.B0*v + z1
			z1 = s.B1*v - s.A1*y + z2
			z2 = s.B2*v - s.A2*y
			buf[i] = y
		}
	}
	for i, v := range buf {
		dst[i] = float32(v)
	}
	return dst
}

// The designs below are those of R. Bristow-Johnson's "Cookbook formulae
// for audio EQ biquad filter coefficients" (bilinear transform with the
// centre or corner frequency f0 prewarped); rate and f0 in Hz, gain in dB.

// normalise divides by a0.
func normalise(b0, b1, b2, a0, a1, a2 float64) Biquad {
	return Biquad{B0: b0 / a0, B1: b1 / a0, B2: b2 / a0, A1: a1 / a0, A2: a2 / a0}
}

// Peaking is a peaking EQ of gainDB at f0 with quality q.
func Peaking(rate, f0, gainDB, q float64) Biquad {
	a := math.Pow(10, gainDB/40)
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/(2*q)
	return normalise(1+alpha*a, -2*cw, 1-alpha*a, 1+alpha/a, -2*cw, 1-alpha/a)
}

// LowShelf boosts or cuts below f0 by gainDB with shelf slope S = 1.
func LowShelf(rate, f0, gainDB float64) Biquad {
	a := math.Pow(10, gainDB/40)
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/2*math.Sqrt2
	sa := 2 * math.Sqrt(a) * alpha
	return normalise(a*((a+1)-(a-1)*cw+sa), 2*a*((a-1)-(a+1)*cw), a*((a+1)-(a-1)*cw-sa),
		(a+1)+(a-1)*cw+sa, -2*((a-1)+(a+1)*cw), (a+1)+(a-1)*cw-sa)
}

// HighShelf boosts or cuts above f0 by gainDB with shelf slope S = 1.
func HighShelf(rate, f0, gainDB float64) Biquad {
	a := math.Pow(10, gainDB/40)
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/2*math.Sqrt2
	sa := 2 * math.Sqrt(a) * alpha
	return normalise(a*((a+1)+(a-1)*cw+sa), -2*a*((a-1)+(a+1)*cw), a*((a+1)+(a-1)*cw-sa),
		(a+1)-(a-1)*cw+sa, 2*((a-1)-(a+1)*cw), (a+1)-(a-1)*cw-sa)
}

// LowPass is a second-order low-pass with corner f0 and quality q.
func LowPass(rate, f0, q float64) Biquad {
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/(2*q)
	return normalise((1-cw)/2, 1-cw, (1-cw)/2, 1+alpha, -2*cw, 1-alpha)
}

// HighPass is a second-order high-pass with corner f0 and quality q.
func HighPass(rate, f0, q float64) Biquad {
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/(2*q)
	return normalise((1+cw)/2, -(1 + cw), (1+cw)/2, 1+alpha, -2*cw, 1-alpha)
}

// butterQ are the section qualities of a 4th-order Butterworth filter,
// 1/(2·cos(π/8)) and 1/(2·cos(3π/8)).
var butterQ = [2]float64{0.5411961001461969, 1.3065629648763764}

// Butterworth4 is a 4th-order Butterworth low-pass (high=false) or
// high-pass (high=true) at f0 as two sections; its magnitude response is
// that of scipy.signal.butter(4, f0, btype, fs=rate).
func Butterworth4(rate, f0 float64, high bool) []Biquad {
	s := make([]Biquad, 2)
	for i, q := range butterQ {
		if high {
			s[i] = HighPass(rate, f0, q)
		} else {
			s[i] = LowPass(rate, f0, q)
		}
	}
	return s
}
