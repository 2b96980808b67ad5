package feature

// Window returns a copy of the analysis window the extractor multiplies
// each frame by: NFFT coefficients for KindLogMel (the WinLength window
// centred in the FFT frame, zeros around it, as librosa pads it), WinLength
// for KindFbank. Graph builders (graph.BuildServing) use it to compute the
// same features inside a TensorFlow graph.
func (e *Extractor) Window() []float64 { return append([]float64(nil), e.win...) }

// MelMatrix returns the extractor's mel filterbank as a dense matrix,
// [NFFT/2+1, NMels] float64 row-major: mel[m] = sum_k power[k] *
// MelMatrix[k*NMels+m], the weights Compute applies to a power spectrum
// (for KindLogMel librosa.filters.mel(...).T, rounded to float32).
func (e *Extractor) MelMatrix() []float64 {
	nBins, nm := e.cfg.NFFT/2+1, len(e.bank.filters)
	w := make([]float64, nBins*nm)
	for m, f := range e.bank.filters {
		for j, v := range f.w {
			w[(f.start+j)*nm+m] = v
		}
	}
	return w
}
