package feature

// filterbank applies sparse filters (mel.go) to a power spectrum. For the
// AVX2 kernel the weights are also packed flat: each filter's span
// zero-padded to a multiple of 4 and stored back to back in w, with
// meta[2m], meta[2m+1] = filter m's start bin and number of 4-weight
// groups. The kernel then reads power up to bin end-1 (end may pass
// NFFT/2+1 by up to 3 bins), so power buffers carry that zero slack.
type filterbank struct {
	filters []filter
	w       []float64
	meta    []int64
	end     int // bins the packed kernel reads: power needs cap >= end
}

func newFilterbank(fs []filter) *filterbank {
	b := &filterbank{filters: fs, meta: make([]int64, 0, 2*len(fs))}
	for _, f := range fs {
		groups := (len(f.w) + 3) / 4
		b.meta = append(b.meta, int64(f.start), int64(groups))
		b.w = append(b.w, f.w...)
		b.w = append(b.w, make([]float64, 4*groups-len(f.w))...)
		b.end = max(b.end, f.start+4*groups)
	}
	return b
}

// powerBuffer returns a zeroed power spectrum of nBins bins with the
// slack the packed kernel reads.
func (b *filterbank) powerBuffer(nBins int) []float64 {
	return make([]float64, nBins, max(nBins, b.end))
}

// apply sets dst[m] (len(filters)) to filter m's weighted sum of the power
// spectrum p (p from powerBuffer: the slack past len(p) must stay zero).
func (b *filterbank) apply(dst, p []float64) {
	dst = dst[:len(b.filters)]
	if useAVX2 && len(dst) > 0 {
		q := p[:cap(p)]
		q = q[:b.end] // panics for a buffer not from powerBuffer
		melAVX(&dst[0], &q[0], b.w, &b.meta[0], len(dst))
		return
	}
	for m := range dst {
		dst[m] = b.filters[m].apply(p)
	}
}
