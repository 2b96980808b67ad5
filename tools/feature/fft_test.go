package feature

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// TestPowerFFTMatchesGonum compares the power spectrum with gonum's
// fftpack real FFT (|coefficient|^2) on random frames, for power-of-two
// sizes (own radix-2 path) and others (gonum path): relative error <= 1e-12
// of the frame's total power.
func TestPowerFFTMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{4, 8, 256, 400, 512, 1024, 2048, 1000} {
		x := make([]float64, n)
		var total float64
		for i := range x {
			x[i] = rng.NormFloat64()
			total += x[i] * x[i]
		}
		coef := fourier.NewFFT(n).Coefficients(nil, x)
		got := make([]float64, n/2+1)
		newPowerFFT(n).clone().power(got, x)
		for k, c := range coef {
			want := real(c)*real(c) + imag(c)*imag(c)
			if math.Abs(got[k]-want) > 1e-12*total*float64(n) {
				t.Fatalf("n %d bin %d: %g, gonum %g", n, k, got[k], want)
			}
		}
	}
}

// TestLog10 compares the fast log10 with math.Log10 over the range the
// compression sees (1 .. 1e12) and the fallbacks: relative error <= 1e-12.
func TestLog10(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	xs := []float64{1, 2, math.Sqrt2, 10, 1e-300, 0, -1, math.Inf(1), 5e-324}
	for i := 0; i < 100000; i++ {
		xs = append(xs, math.Pow(10, 12*rng.Float64()))
	}
	for _, x := range xs {
		got, want := log10(x), math.Log10(x)
		if !(got == want || math.IsNaN(got) && math.IsNaN(want) || math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))) {
			t.Fatalf("log10(%g) = %v, math.Log10 %v", x, got, want)
		}
	}
}
