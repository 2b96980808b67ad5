package feature

import "math"

// kaldiScale maps [-1, 1] samples to the int16 range Kaldi reads WAVs in,
// so fbank values equal compute-fbank-feats' on the same file.
const kaldiScale = 32768

// floatEpsilon is FLT_EPSILON, Kaldi's floor before the log of mel energies.
const floatEpsilon = 1.1920928955078125e-07

// fbankFrame computes one Kaldi fbank frame (feature-window.cc
// ExtractWindow/ProcessWindow, feature-fbank.cc Compute) from the
// WinLength samples starting at start: scale to int16 range, remove the DC
// offset, pre-emphasise (x[i] -= k*x[i-1], x[0] -= k*x[0]), window,
// zero-pad to NFFT, power spectrum, mel energies, ln(max(e, FLT_EPSILON)).
// Dither is off.
func (e *Extractor) fbankFrame(row, x []float32, start int) {
	wl := e.cfg.WinLength
	f := e.frame[:wl]
	var mean float64
	for i := range f {
		f[i] = float64(x[start+i]) * kaldiScale
		mean += f[i]
	}
	mean /= float64(wl)
	for i := range f {
		f[i] -= mean
	}
	if k := e.cfg.PreEmphasis; k != 0 {
		for i := wl - 1; i > 0; i-- {
			f[i] -= k * f[i-1]
		}
		f[0] -= k * f[0]
	}
	for i, w := range e.win {
		f[i] *= w
	}
	clear(e.frame[wl:])
	e.powerSpectrum()
	e.bank.apply(e.mel, e.power)
	for m, v := range e.mel {
		row[m] = float32(math.Log(max(v, floatEpsilon)))
	}
}
