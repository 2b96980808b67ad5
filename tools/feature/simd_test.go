package feature

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// kernelModes are the kernel sets this machine can run: the portable Go
// kernels always, the AVX2 ones when the CPU has them.
func kernelModes() []bool {
	if useAVX2 {
		return []bool{false, true}
	}
	return []bool{false}
}

// withKernels runs f with useAVX2 set to avx, restoring it afterwards.
func withKernels(avx bool, f func()) {
	saved := useAVX2
	useAVX2 = avx
	defer func() { useAVX2 = saved }()
	f()
}

// TestPowerKernelsMatchGonum checks the windowed power spectrum of both
// kernel sets against |gonum fftpack coefficient|^2 of the same windowed
// frame (random N(0,1) samples): every bin within 1e-5 of the mean bin
// power (measured: about 1e-15).
func TestPowerKernelsMatchGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, avx := range kernelModes() {
		for _, n := range []int{8, 16, 64, 256, 512, 1024, 2048, 4096} {
			x, w, xw := make([]float32, n), window("hann", n), make([]float64, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
				xw[i] = float64(x[i]) * w[i]
			}
			var mean float64
			want := fourier.NewFFT(n).Coefficients(nil, xw)
			for _, c := range want {
				mean += real(c)*real(c) + imag(c)*imag(c)
			}
			mean /= float64(len(want))
			got := make([]float64, n/2+1)
			withKernels(avx, func() { newPowerFFT(n).powerWindowed(got, x, w, make([]float64, n)) })
			var worst float64
			for k, c := range want {
				worst = max(worst, math.Abs(got[k]-(real(c)*real(c)+imag(c)*imag(c)))/mean)
			}
			if worst > 1e-5 {
				t.Errorf("avx %v n %d: max bin error %.3g of the mean power", avx, n, worst)
			}
		}
	}
}

// TestLogCompress checks logCompress (both kernel sets) against
// float32(math.Log10(1 + 10000 x)) over the mel power range the features
// see (0 and 1e-12 .. 1e6): within 1 float32 ulp (or 1e-12 near 0).
func TestLogCompress(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	src := []float64{0, 1e-300, 5e-324, 1e-4, 1e-12}
	for len(src) < 20003 {
		src = append(src, math.Pow(10, -12+18*rng.Float64()))
	}
	for _, avx := range kernelModes() {
		dst := make([]float32, len(src))
		withKernels(avx, func() { logCompress(dst, src) })
		for i, x := range src {
			want := float32(math.Log10(1 + 10000*x))
			if d := math.Abs(float64(dst[i] - want)); d > max(float64(ulp32(want)), 1e-12) {
				t.Fatalf("avx %v: logCompress(%g) = %v, math.Log10 %v", avx, x, dst[i], want)
			}
		}
	}
}

func ulp32(x float32) float32 {
	return math.Nextafter32(x, float32(math.Inf(1))) - x
}

// TestKernelsSameLogMel compares the log-mel of the 1.2 s speech-like
// signal computed with the AVX2 and the Go kernels, for the reference
// setting (fused mel + log kernel) and a band count that is no multiple
// of 4 (separate kernels): max abs difference <= 1e-6 (float32 rounding of
// values up to ~8).
func TestKernelsSameLogMel(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU: only the Go kernels run")
	}
	x := speechLike(16000)
	for _, nMels := range []int{128, 30} {
		cfg := DefaultConfig()
		cfg.NMels = nMels
		var feats [2][]float32
		for i, avx := range []bool{false, true} {
			e, err := NewExtractor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			withKernels(avx, func() { feats[i], _ = e.Compute(nil, x) })
		}
		var d float64
		for i := range feats[0] {
			d = max(d, math.Abs(float64(feats[0][i]-feats[1][i])))
		}
		t.Logf("%d mels: max |avx - go| = %.2g", nMels, d)
		if d > 1e-6 {
			t.Errorf("%d mels: max |avx - go| = %g > 1e-6", nMels, d)
		}
	}
}

// TestFilterbankKernels checks the packed filterbank (both kernel sets)
// against the plain sparse dot products of mel.go on random power spectra,
// for Slaney and Kaldi banks: relative error <= 1e-12.
func TestFilterbankKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	banks := map[string][]filter{
		"slaney1024x128": slaneyFilters(16000, 1024, 128, 0, 8000),
		"slaney256x40":   slaneyFilters(8000, 256, 40, 0, 4000),
		"kaldi512x128":   kaldiFilters(16000, 512, 128, 20, 8000),
	}
	for name, fs := range banks {
		b := newFilterbank(fs)
		nBins := fs[len(fs)-1].start + len(fs[len(fs)-1].w) + 1
		p := b.powerBuffer(nBins)
		for i := range p {
			p[i] = rng.ExpFloat64()
		}
		for _, avx := range kernelModes() {
			got := make([]float64, len(fs))
			withKernels(avx, func() { b.apply(got, p) })
			for m := range fs {
				if want := fs[m].apply(p); math.Abs(got[m]-want) > 1e-12*math.Abs(want) {
					t.Errorf("%s avx %v filter %d: %g, want %g", name, avx, m, got[m], want)
				}
			}
		}
	}
}
