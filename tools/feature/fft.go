package feature

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/dsp/fourier"
)

// powerFFT computes the power spectrum |X[k]|^2, k = 0..n/2, of a real
// frame of n samples. For n a power of two (every reference setting) it
// uses the classic "two real halves in one complex FFT" method: the n/2
// complex values z[k] = x[2k] + i x[2k+1] go through an iterative
// decimation-in-time FFT (gathered in bit-reversed order straight into a
// fused first 4-point pass, then radix-2^2 passes with per-stage twiddle
// tables), and X is untangled from Z. On the 10 s benchmark it cut the
// log-mel CPU time by roughly 40% against gonum's fftpack port; other sizes use
// gonum (dsp/fourier), which is the reference for this code in fft_test.go.
// With useAVX2 the gather (three stages for n >= 16), the radix-4/2 passes
// and the untangling run in the fft_amd64.s kernels instead (simd_test.go
// checks both kernel sets against gonum).
type powerFFT struct {
	n      int
	gonum  *fourier.FFT // non-power-of-two sizes
	coef   []complex128
	rev    []int32   // bit-reversal permutation of n/2
	twRe   []float64 // per-stage twiddles, see stageTw
	twIm   []float64
	unRe   []float64 // exp(-2 pi i k / n), k <= n/2, for the untangling
	unIm   []float64
	re, im []float64 // n/2 scratch
	wrev   []float64 // window gathered in bit-reversed order, see revWindow
	wfor   *float64  // the window wrev was built from
}

func newPowerFFT(n int) *powerFFT {
	p := &powerFFT{n: n}
	if n < 4 || n&(n-1) != 0 {
		p.gonum, p.coef = fourier.NewFFT(n), make([]complex128, n/2+1)
		return p
	}
	m := n / 2
	shift := 64 - uint(bits.Len(uint(m))-1)
	p.rev = make([]int32, m)
	for i := range p.rev {
		p.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	p.twRe, p.twIm = make([]float64, m-1), make([]float64, m-1)
	for half := 1; half < m; half <<= 1 {
		for j := 0; j < half; j++ {
			s, c := math.Sincos(-math.Pi * float64(j) / float64(half))
			p.twRe[half-1+j], p.twIm[half-1+j] = c, s
		}
	}
	p.unRe, p.unIm = make([]float64, m+1), make([]float64, m+1)
	for k := range p.unRe {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		p.unRe[k], p.unIm[k] = c, s
	}
	p.re, p.im = make([]float64, m), make([]float64, m)
	return p
}

// clone shares the read-only tables and allocates new scratch.
func (p *powerFFT) clone() *powerFFT {
	if p.gonum != nil {
		return newPowerFFT(p.n)
	}
	c := *p
	c.re, c.im = make([]float64, len(p.re)), make([]float64, len(p.im))
	return &c
}

// power writes |FFT(x)[k]|^2 for k = 0..n/2 to dst (len n/2+1); len(x) = n.
func (p *powerFFT) power(dst, x []float64) {
	if p.gonum != nil {
		p.gonum.Coefficients(p.coef, x)
		for k, v := range p.coef {
			dst[k] = real(v)*real(v) + imag(v)*imag(v)
		}
		return
	}
	if len(p.re) < 4 {
		for i, r := range p.rev {
			p.re[r], p.im[r] = x[2*i], x[2*i+1]
		}
		p.radix2(1)
	} else {
		x = x[:p.n]
		for s := 0; s < len(p.re); s += 4 {
			a, b, c, d := 2*p.rev[s], 2*p.rev[s+1], 2*p.rev[s+2], 2*p.rev[s+3]
			p.first4(s, x[a], x[a+1], x[b], x[b+1], x[c], x[c+1], x[d], x[d+1])
		}
		p.stages(8)
	}
	p.untangle(dst)
}

// first4 stores at s..s+3 the 4-point DFT (the first two radix-2 stages,
// twiddles 1 and -i) of the bit-reversed inputs a, b, c, d; loading and
// this pass are fused so the scratch is written once, in order.
func (p *powerFFT) first4(s int, ar, ai, br, bi, cr, ci, dr, di float64) {
	r, i := p.re[s:s+4:s+4], p.im[s:s+4:s+4]
	er, ei, fr, fi := ar+br, ai+bi, ar-br, ai-bi
	gr, gi, hr, hi := cr+dr, ci+di, cr-dr, ci-di // h times -i: (hi, -hr)
	r[0], i[0] = er+gr, ei+gi
	r[2], i[2] = er-gr, ei-gi
	r[1], i[1] = fr+hi, fi-hr
	r[3], i[3] = fr-hi, fi+hr
}

// stages runs the decimation-in-time stages of sizes first, 2*first, ...,
// m, two at a time (a radix-4 pass over blocks of 4h, h = size/2) and a
// last radix-2 stage when their number is odd.
func (p *powerFFT) stages(first int) {
	m := len(p.re)
	size := first
	for ; 2*size <= m; size *= 4 {
		p.radix4(size / 2)
	}
	if size <= m {
		p.radix2(size / 2)
	}
}

// radix2 runs one stage of size 2*half.
func (p *powerFFT) radix2(half int) {
	re, im := p.re, p.im
	twr, twi := p.stageTw(half)
	if useAVX2 && half%4 == 0 {
		radix2AVX(&re[0], &im[0], len(re), half, &twr[0], &twi[0])
		return
	}
	for start := 0; start < len(re); start += 2 * half {
		a, b := re[start:start+half], re[start+half:start+2*half]
		ai, bi := im[start:start+half], im[start+half:start+2*half]
		b, ai, bi, twr, twi = b[:len(a)], ai[:len(a)], bi[:len(a)], twr[:len(a)], twi[:len(a)]
		for j := range a {
			wr, wi := twr[j], twi[j]
			tr := wr*b[j] - wi*bi[j]
			ti := wr*bi[j] + wi*b[j]
			b[j], bi[j] = a[j]-tr, ai[j]-ti
			a[j], ai[j] = a[j]+tr, ai[j]+ti
		}
	}
}

// radix4 fuses the stages of sizes 2h and 4h: with w1 = W_2h^j and
// w2 = W_4h^j, b0,b1 = a0 +- w1 a1, b2,b3 = a2 +- w1 a3, then
// out j, j+2h = b0 +- w2 b2 and out j+h, j+3h = b1 +- (-i) w2 b3.
func (p *powerFFT) radix4(h int) {
	re, im := p.re, p.im
	t1r, t1i := p.stageTw(h)
	t2r, t2i := p.stageTw(2 * h)
	if useAVX2 && h%4 == 0 {
		radix4AVX(&re[0], &im[0], len(re), h, &t1r[0], &t1i[0], &t2r[0], &t2i[0])
		return
	}
	for start := 0; start < len(re); start += 4 * h {
		r0, r1, r2, r3 := re[start:start+h], re[start+h:start+2*h], re[start+2*h:start+3*h], re[start+3*h:start+4*h]
		i0, i1, i2, i3 := im[start:start+h], im[start+h:start+2*h], im[start+2*h:start+3*h], im[start+3*h:start+4*h]
		r1, r2, r3, i0, i1, i2, i3 = r1[:len(r0)], r2[:len(r0)], r3[:len(r0)], i0[:len(r0)], i1[:len(r0)], i2[:len(r0)], i3[:len(r0)]
		t1r, t1i, t2r, t2i := t1r[:len(r0)], t1i[:len(r0)], t2r[:len(r0)], t2i[:len(r0)]
		for j := range r0 {
			w1r, w1i, w2r, w2i := t1r[j], t1i[j], t2r[j], t2i[j]
			ur := w1r*r1[j] - w1i*i1[j]
			ui := w1r*i1[j] + w1i*r1[j]
			b0r, b0i, b1r, b1i := r0[j]+ur, i0[j]+ui, r0[j]-ur, i0[j]-ui
			vr := w1r*r3[j] - w1i*i3[j]
			vi := w1r*i3[j] + w1i*r3[j]
			b2r, b2i, b3r, b3i := r2[j]+vr, i2[j]+vi, r2[j]-vr, i2[j]-vi
			cr := w2r*b2r - w2i*b2i
			ci := w2r*b2i + w2i*b2r
			dr := w2r*b3i + w2i*b3r // (-i) * w2 * b3
			di := -(w2r*b3r - w2i*b3i)
			r0[j], i0[j], r2[j], i2[j] = b0r+cr, b0i+ci, b0r-cr, b0i-ci
			r1[j], i1[j], r3[j], i3[j] = b1r+dr, b1i+di, b1r-dr, b1i-di
		}
	}
}

// stageTw returns the half twiddles exp(-2 pi i j / (2 half)), j < half.
// Stage twiddle tables are laid out back to back in twRe/twIm: the table
// for half h starts at offset h-1 (1 + 2 + 4 + ... = h - 1).
func (p *powerFFT) stageTw(half int) ([]float64, []float64) {
	return p.twRe[half-1 : 2*half-1], p.twIm[half-1 : 2*half-1]
}

// untangle turns Z = FFT(x_even + i x_odd) into |X[k]|^2:
// X[k] = E[k] + w^k O[k], E = (Z[k] + conj Z[m-k])/2, O = (Z[k] - conj Z[m-k])/(2i),
// with Z[m] = Z[0]; X[0] and X[m] are real.
func (p *powerFFT) untangle(dst []float64) {
	re := p.re
	m := len(re)
	im, dst := p.im[:m], dst[:m+1]
	dc, ny := re[0]+im[0], re[0]-im[0]
	dst[0], dst[m] = dc*dc, ny*ny
	unRe, unIm := p.unRe[:m], p.unIm[:m]
	k := 1
	if q := (m - 1) / 4; useAVX2 && q > 0 {
		untangleAVX(&re[0], &im[0], m, q, &unRe[0], &unIm[0], &dst[0])
		k = 4*q + 1
	}
	for ; k < m; k++ {
		zr, zi := re[k], im[k]
		cr, ci := re[m-k], -im[m-k]
		er, ei := (zr+cr)*0.5, (zi+ci)*0.5
		or, oi := (zi-ci)*0.5, (cr-zr)*0.5
		wr, wi := unRe[k], unIm[k]
		xr := er + wr*or - wi*oi
		xi := ei + wr*oi + wi*or
		dst[k] = xr*xr + xi*xi
	}
}

// powerWindowed is power of the frame x[i]*w[i] (len(x) = len(w) = n),
// windowing while loading the bit-reversed scratch; scratch is an n-long
// buffer for the gonum path.
func (p *powerFFT) powerWindowed(dst []float64, x []float32, w, scratch []float64) {
	if p.gonum != nil {
		for i, v := range w {
			scratch[i] = float64(x[i]) * v
		}
		p.power(dst, scratch)
		return
	}
	if len(p.re) < 4 {
		for i, v := range w {
			scratch[i] = float64(x[i]) * v
		}
		p.power(dst, scratch)
		return
	}
	x, w = x[:p.n], w[:p.n]
	if useAVX2 {
		wrev := p.revWindow(w)
		if len(p.re) >= 8 {
			gatherFirst8AVX(&p.re[0], &p.im[0], &x[0], &wrev[0], &p.rev[0], len(p.re))
			p.stages(16)
		} else {
			gatherFirst4AVX(&p.re[0], &p.im[0], &x[0], &wrev[0], &p.rev[0], len(p.re))
			p.stages(8)
		}
		p.untangle(dst)
		return
	}
	for s := 0; s < len(p.re); s += 4 {
		a, b, c, d := 2*p.rev[s], 2*p.rev[s+1], 2*p.rev[s+2], 2*p.rev[s+3]
		p.first4(s, float64(x[a])*w[a], float64(x[a+1])*w[a+1], float64(x[b])*w[b], float64(x[b+1])*w[b+1],
			float64(x[c])*w[c], float64(x[c+1])*w[c+1], float64(x[d])*w[d], float64(x[d+1])*w[d+1])
	}
	p.stages(8)
	p.untangle(dst)
}

// revWindow returns w in the order the AVX2 gather reads it:
// wrev[2s], wrev[2s+1] = w[2 rev[s]], w[2 rev[s]+1]. It is built on the
// first call for a window and reused (a new slice, so clones sharing the
// old one are not disturbed).
func (p *powerFFT) revWindow(w []float64) []float64 {
	if p.wfor != &w[0] {
		wrev := make([]float64, p.n)
		for s, r := range p.rev {
			wrev[2*s], wrev[2*s+1] = w[2*r], w[2*r+1]
		}
		p.wrev, p.wfor = wrev, &w[0]
	}
	return p.wrev
}
