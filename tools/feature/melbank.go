package feature

// filterbank applies sparse filters (mel.go) to a power spectrum. For the
// AVX2 kernel the filters are also packed in blocks of 4 consecutive
// filters (neighbouring triangles overlap, so a block spans one contiguous
// bin range): block b covers bins meta[2b] .. meta[2b] + 4 meta[2b+1] - 1
// and stores, bin after bin, the 4 filters' weights at that bin (zero
// outside a filter's span) in w. The kernel then accumulates
// power[k] * w[k][0..3] into 4 mel sums at once, with no horizontal sums.
// It reads power up to bin end-1 (end may pass NFFT/2+1 by up to 3 bins)
// and writes 4 sums per block, so power and mel buffers carry zero slack
// (powerBuffer, melBuffer).
type filterbank struct {
	filters []filter
	w       []float64
	meta    []int64
	end     int // bins the packed kernel reads: power needs cap >= end
}

func newFilterbank(fs []filter) *filterbank {
	b := &filterbank{filters: fs}
	for m0 := 0; m0 < len(fs); m0 += 4 {
		block := fs[m0:min(m0+4, len(fs))]
		lo, hi := blockSpan(block)
		quads := (hi - lo + 3) / 4
		b.meta = append(b.meta, int64(lo), int64(quads))
		for k := lo; k < lo+4*quads; k++ {
			var row [4]float64
			for i, f := range block {
				if j := k - f.start; j >= 0 && j < len(f.w) {
					row[i] = f.w[j]
				}
			}
			b.w = append(b.w, row[:]...)
		}
		b.end = max(b.end, lo+4*quads)
	}
	return b
}

// blockSpan is the bin range [lo, hi) covered by the non-empty filters of
// block (lo = hi = 0 when all are empty).
func blockSpan(block []filter) (lo, hi int) {
	lo = -1
	for _, f := range block {
		if len(f.w) == 0 {
			continue
		}
		if lo < 0 || f.start < lo {
			lo = f.start
		}
		hi = max(hi, f.start+len(f.w))
	}
	return max(lo, 0), hi
}

// powerBuffer returns a zeroed power spectrum of nBins bins with the
// slack the packed kernel reads.
func (b *filterbank) powerBuffer(nBins int) []float64 {
	return make([]float64, nBins, max(nBins, b.end))
}

// melBuffer returns a mel vector (len = number of filters) with the
// capacity the packed kernel writes (a multiple of 4).
func (b *filterbank) melBuffer() []float64 {
	return make([]float64, len(b.filters), 4*len(b.meta)/2)
}

// apply sets dst[m] to filter m's weighted sum of the power spectrum p,
// for dst from melBuffer and p from powerBuffer (the slack past len(p)
// must stay zero).
func (b *filterbank) apply(dst, p []float64) {
	dst = dst[:len(b.filters)]
	if useAVX2 && len(dst) > 0 {
		q := p[:cap(p)][:b.end]               // panics for a buffer not from powerBuffer
		d := dst[:cap(dst)][:4*len(b.meta)/2] // likewise for melBuffer
		melAVX(&d[0], &q[0], b.w, &b.meta[0], len(b.meta)/2)
		return
	}
	for m := range dst {
		dst[m] = b.filters[m].apply(p)
	}
}

// logMel sets row[m] = float32(log10(1 + 10000 mel[m])) for the mel powers
// of p (from powerBuffer), using mel (from melBuffer) as scratch; with
// AVX2 and a multiple of 4 filters, in one fused kernel.
func (b *filterbank) logMel(row []float32, mel, p []float64) {
	if n := len(b.filters); useAVX2 && n > 0 && n%4 == 0 {
		row = row[:n]
		q := p[:cap(p)][:b.end]
		melLogAVX(&row[0], &q[0], b.w, &b.meta[0], n/4)
		return
	}
	b.apply(mel, p)
	logCompress(row, mel)
}
