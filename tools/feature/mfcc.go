package feature

import (
	"fmt"
	"math"
)

// DefaultNCeps is the number of cepstral coefficients MFCC keeps by default
// (librosa.feature.mfcc n_mfcc=20).
const DefaultNCeps = 20

// DCT is an orthonormal DCT-II truncated to its first NCeps outputs, the
// transform that turns log-mel frames into MFCCs:
//
//	c[k] = s(k) * sum_{m=0}^{M-1} x[m] cos(pi k (2m+1) / (2M)),
//	s(0) = sqrt(1/M), s(k>0) = sqrt(2/M),
//
// for k = 0..NCeps-1 and M = NMels: scipy.fft.dct(x, type=2, norm='ortho')
// [:NCeps], which is what librosa.feature.mfcc(S=logmel, n_mfcc=NCeps,
// dct_type=2, norm='ortho', lifter=0) computes on a [NMels, frames] log-mel
// matrix. Kaldi's compute-mfcc-feats uses the same transform (its DCT
// matrix is this one) before its cepstral lifter. A DCT is read-only after
// NewDCT and safe for concurrent use.
type DCT struct {
	nMels, nCeps int
	basis        []float64 // [nCeps, nMels] row-major
}

// NewDCT precomputes the basis for nMels inputs and nCeps <= nMels outputs.
func NewDCT(nMels, nCeps int) (*DCT, error) {
	if nMels <= 0 || nCeps <= 0 || nCeps > nMels {
		return nil, fmt.Errorf("feature: DCT of %d mel bands to %d coefficients: want 0 < coefficients <= bands", nMels, nCeps)
	}
	d := &DCT{nMels: nMels, nCeps: nCeps, basis: make([]float64, nCeps*nMels)}
	for k := 0; k < nCeps; k++ {
		s := math.Sqrt(2 / float64(nMels))
		if k == 0 {
			s = math.Sqrt(1 / float64(nMels))
		}
		for m := 0; m < nMels; m++ {
			d.basis[k*nMels+m] = s * math.Cos(math.Pi*float64(k)*float64(2*m+1)/float64(2*nMels))
		}
	}
	return d, nil
}

// NMels is the input dimension.
func (d *DCT) NMels() int { return d.nMels }

// NCeps is the output dimension.
func (d *DCT) NCeps() int { return d.nCeps }

// MFCC transforms nFrames log-mel frames into cepstra, written to dst
// (reused when its capacity suffices) and returned; arithmetic is float64.
//
//	frames: [nFrames, NMels] float32, row-major, any log-mel (voxsiam's
//	        log10(1 + 10000 x) or Kaldi fbank's ln x)
//	result: [nFrames, NCeps] float32, row-major
//
// It panics when frames holds fewer than nFrames*NMels values.
func (d *DCT) MFCC(dst, frames []float32, nFrames int) []float32 {
	if nFrames < 0 || len(frames) < nFrames*d.nMels {
		panic("feature: MFCC frames shorter than nFrames*NMels")
	}
	if cap(dst) < nFrames*d.nCeps {
		dst = make([]float32, nFrames*d.nCeps)
	}
	dst = dst[:nFrames*d.nCeps]
	for t := 0; t < nFrames; t++ {
		x := frames[t*d.nMels : (t+1)*d.nMels]
		for k := 0; k < d.nCeps; k++ {
			b := d.basis[k*d.nMels : (k+1)*d.nMels]
			var acc float64
			for m, v := range x {
				acc += b[m] * float64(v)
			}
			dst[t*d.nCeps+k] = float32(acc)
		}
	}
	return dst
}

// ColumnMean returns the mean of every column of x (row-major [n, dim],
// n > 0), summed in float64.
func ColumnMean(x []float32, n, dim int) []float64 {
	mean := make([]float64, dim)
	for t := 0; t < n; t++ {
		for j, v := range x[t*dim : (t+1)*dim] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

// SubtractMean subtracts from every column of x (row-major [n, dim]) its
// mean over the n rows, in place: per-utterance cepstral mean normalisation
// (CMN) when x holds an utterance's MFCCs. n == 0 leaves x unchanged.
func SubtractMean(x []float32, n, dim int) {
	if n < 0 || dim <= 0 || len(x) < n*dim {
		panic("feature: SubtractMean shape mismatch")
	}
	if n == 0 {
		return
	}
	SubtractMeanOf(x, n, ColumnMean(x, n, dim))
}
