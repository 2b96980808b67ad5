package augment

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Reverberate convolves x with the impulse response rir and returns a
// signal of len(x) samples as Kaldi's wav-reverberate does by default
// (reverberate_data_dir.py): the output is shifted earlier by the delay of
// the response's strongest tap (--shift-output, so the direct sound stays
// aligned with the clean signal) and scaled to the power of x
// (--normalize-output). The convolution runs by FFT.
func Reverberate(x, rir []float32) []float32 {
	if len(x) == 0 || len(rir) == 0 {
		return append([]float32(nil), x...)
	}
	peak := 0
	for i, v := range rir {
		if math.Abs(float64(v)) > math.Abs(float64(rir[peak])) {
			peak = i
		}
	}
	y := Convolve(x, rir)
	out := append([]float32(nil), y[peak:peak+len(x)]...)
	if py, px := power(out), power(x); py > 0 {
		scale(out, math.Sqrt(px/py))
	}
	return out
}

// Convolve returns the full linear convolution of a and b
// (len(a)+len(b)-1 samples), computed with one FFT size of the next power
// of two (gonum dsp/fourier) in float64.
func Convolve(a, b []float32) []float32 {
	n := len(a) + len(b) - 1
	size := 1
	for size < n {
		size <<= 1
	}
	fft := fourier.NewFFT(size)
	fa := fft.Coefficients(nil, pad(a, size))
	fb := fft.Coefficients(nil, pad(b, size))
	for i := range fa {
		fa[i] *= fb[i]
	}
	y := fft.Sequence(nil, fa)
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(y[i] / float64(size))
	}
	return out
}

func pad(x []float32, n int) []float64 {
	p := make([]float64, n)
	for i, v := range x {
		p[i] = float64(v)
	}
	return p
}
