package feature

import "math/rand/v2"

// Segments cuts features frames (row-major [nFrames, nMels]) into
// non-overlapping segments of segLen frames for embedding and returns them
// row-major [nSegs, segLen, nMels] with nSegs. The final partial segment
// (nFrames % segLen frames, or the whole input when nFrames < segLen) is
// handled by partial:
//
//   - PartialDrop: discarded; inputs shorter than segLen give no segment.
//   - PartialPad: zero-padded at the end (0 is log-mel of digital silence).
//   - PartialOverlapLast (the default for embedding): one more segment made
//     of the last segLen frames, overlapping its predecessor, so every
//     frame is used and no padding is seen; inputs shorter than segLen are
//     zero-padded as with PartialPad.
//
// It panics on an unknown policy or when len(frames) < nFrames*nMels.
func Segments(frames []float32, nFrames, nMels, segLen int, partial string) (segs []float32, nSegs int) {
	if len(frames) < nFrames*nMels || segLen <= 0 || nMels <= 0 {
		panic("feature: Segments shape mismatch")
	}
	whole, rest := nFrames/segLen, nFrames%segLen
	nSegs = whole
	switch partial {
	case PartialDrop:
	case PartialPad, PartialOverlapLast:
		if rest > 0 {
			nSegs++
		}
	default:
		panic("feature: unknown partial policy " + partial)
	}
	size := segLen * nMels
	segs = make([]float32, nSegs*size)
	copy(segs, frames[:whole*size])
	if nSegs > whole {
		last := segs[whole*size:]
		if partial == PartialOverlapLast && whole > 0 {
			copy(last, frames[(nFrames-segLen)*nMels:nFrames*nMels])
		} else {
			copy(last, frames[whole*size:nFrames*nMels])
		}
	}
	return segs, nSegs
}

// RandomCrop copies segLen consecutive frames starting at a uniformly drawn
// frame of frames (row-major [nFrames, nMels]) into dst (reused when large
// enough) for training, and returns the crop, [segLen, nMels], and its
// start frame. Inputs shorter than segLen are copied whole and zero-padded
// (start 0).
func RandomCrop(dst, frames []float32, nFrames, nMels, segLen int, rng *rand.Rand) ([]float32, int) {
	if len(frames) < nFrames*nMels || segLen <= 0 {
		panic("feature: RandomCrop shape mismatch")
	}
	size := segLen * nMels
	if cap(dst) < size {
		dst = make([]float32, size)
	}
	dst = dst[:size]
	start := 0
	if nFrames > segLen {
		start = rng.IntN(nFrames - segLen + 1)
	}
	n := copy(dst, frames[start*nMels:min(nFrames, start+segLen)*nMels])
	clear(dst[n:])
	return dst, start
}
