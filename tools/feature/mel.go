package feature

import "math"

// filter is one triangular mel filter, stored sparsely: weights w apply to
// power-spectrum bins start, start+1, ....
type filter struct {
	start int
	w     []float64
}

// apply returns the filter's weighted sum of the power spectrum p.
func (f *filter) apply(p []float64) float64 {
	var s float64
	q := p[f.start : f.start+len(f.w)]
	for i, w := range f.w {
		s += w * q[i]
	}
	return s
}

// Slaney's auditory-toolbox mel scale, as librosa's htk=False: linear below
// 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per factor 6.4).
const (
	slaneyFsp     = 200.0 / 3
	slaneyMinHz   = 1000.0
	slaneyMinMel  = slaneyMinHz / slaneyFsp // 15
	slaneyLogStep = 0.06875177742094912     // ln(6.4)/27
)

func hzToSlaney(f float64) float64 {
	if f >= slaneyMinHz {
		return slaneyMinMel + math.Log(f/slaneyMinHz)/slaneyLogStep
	}
	return f / slaneyFsp
}

func slaneyToHz(m float64) float64 {
	if m >= slaneyMinMel {
		return slaneyMinHz * math.Exp(slaneyLogStep*(m-slaneyMinMel))
	}
	return slaneyFsp * m
}

// slaneyFilters builds librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax,
// htk=False, norm='slaney'): nMels triangles on the bins k*sr/nFFT,
// k = 0..nFFT/2, with edges equally spaced on the Slaney mel scale, each
// scaled by 2/(upper edge - lower edge in Hz) for constant energy per band.
// Weights are rounded to float32 as librosa stores them.
func slaneyFilters(sr, nFFT, nMels int, fmin, fmax float64) []filter {
	lo, hi := hzToSlaney(fmin), hzToSlaney(fmax)
	edges := make([]float64, nMels+2)
	for i := range edges {
		edges[i] = slaneyToHz(lo + (hi-lo)*float64(i)/float64(nMels+1))
	}
	nBins := nFFT/2 + 1
	fs := make([]filter, nMels)
	for m := range fs {
		enorm := 2 / (edges[m+2] - edges[m])
		w := make([]float64, nBins)
		for k := range w {
			f := float64(k) * float64(sr) / float64(nFFT)
			lower := (f - edges[m]) / (edges[m+1] - edges[m])
			upper := (edges[m+2] - f) / (edges[m+2] - edges[m+1])
			w[k] = float64(float32(max(0, min(lower, upper)) * enorm))
		}
		fs[m] = sparse(w)
	}
	return fs
}

// kaldiMel is Kaldi's MelBanks::MelScale (HTK): 1127 ln(1 + f/700).
func kaldiMel(f float64) float64 { return 1127 * math.Log(1+f/700) }

// kaldiFilters builds Kaldi's MelBanks (mel-computations.cc): nMels
// triangles with peak 1, edges equally spaced on the HTK mel scale between
// fmin and fmax, evaluated in the mel domain at the bins k*sr/nFFT for
// k = 0..nFFT/2-1 (Kaldi leaves out the Nyquist bin), no area normalisation.
func kaldiFilters(sr, nFFT, nMels int, fmin, fmax float64) []filter {
	lo, hi := kaldiMel(fmin), kaldiMel(fmax)
	delta := (hi - lo) / float64(nMels+1)
	fs := make([]filter, nMels)
	for m := range fs {
		left, center, right := lo+float64(m)*delta, lo+float64(m+1)*delta, lo+float64(m+2)*delta
		w := make([]float64, nFFT/2)
		for k := range w {
			mel := kaldiMel(float64(k) * float64(sr) / float64(nFFT))
			switch {
			case mel <= left || mel >= right:
			case mel <= center:
				w[k] = (mel - left) / (center - left)
			default:
				w[k] = (right - mel) / (right - center)
			}
		}
		fs[m] = sparse(w)
	}
	return fs
}

// sparse keeps the non-zero span of a dense weight row.
func sparse(w []float64) filter {
	a, b := 0, len(w)
	for a < b && w[a] == 0 {
		a++
	}
	for b > a && w[b-1] == 0 {
		b--
	}
	return filter{start: a, w: append([]float64(nil), w[a:b]...)}
}
