package embed

import (
	"fmt"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Short-utterance policies (utterances with fewer frames than one segment).
const (
	ShortPad  = "pad"  // repeat the frames cyclically up to one segment
	ShortSkip = "skip" // drop the utterance (reported as a warning)
)

// Cut splits frames (row-major [nFrames, nMels]) into segments of segLen
// frames for inference: the whole non-overlapping segments, then, when
// nFrames is not a multiple of segLen, the rest as the model's
// features.json "partial" says (feature.Segments): feature.PartialOverlapLast
// (the default) one segment made of the last segLen frames (overlapping
// its predecessor: no padding is ever seen), feature.PartialPad the rest
// zero-padded, feature.PartialDrop nothing. weights[k] is the fraction of
// segment k's frames not covered by earlier segments: 1 for whole segments,
// (nFrames mod segLen)/segLen for an overlapping or padded last.
//
// Utterances shorter than segLen follow short: ShortPad repeats the frames
// cyclically (frame t of the segment is frame t mod nFrames; weight 1),
// ShortSkip returns no segments. nFrames == 0 gives no segments.
//
//	segs: [nSegs, segLen, nMels] float32, row-major
func Cut(frames []float32, nFrames, nMels, segLen int, short, partial string) (segs, weights []float32, nSegs int) {
	if len(frames) < nFrames*nMels || segLen <= 0 || nMels <= 0 {
		panic("embed: Cut shape mismatch")
	}
	switch {
	case nFrames == 0:
		return nil, nil, 0
	case nFrames < segLen && short == ShortSkip:
		return nil, nil, 0
	case nFrames < segLen && short == ShortPad:
		segs = make([]float32, segLen*nMels)
		for t := 0; t < segLen; t++ {
			copy(segs[t*nMels:(t+1)*nMels], frames[(t%nFrames)*nMels:])
		}
		return segs, []float32{1}, 1
	case nFrames < segLen:
		panic(fmt.Sprintf("embed: unknown short policy %q", short))
	}
	segs, nSegs = feature.Segments(frames, nFrames, nMels, segLen, partial)
	weights = make([]float32, nSegs)
	for k := range weights {
		weights[k] = 1
	}
	if rest := nFrames % segLen; rest > 0 && partial != feature.PartialDrop {
		weights[nSegs-1] = float32(rest) / float32(segLen)
	}
	return segs, weights, nSegs
}

// Pool averages the n segment embeddings emb ([n, dim] row-major) of one
// utterance into dst ([dim], reused when large enough): spec.PoolMean ignores
// weights, spec.PoolWeighted uses them (see Cut). It panics for spec.PoolNone or an
// unknown method, and when n == 0.
func Pool(dst, emb, weights []float32, n, dim int, method string) []float32 {
	if n == 0 || len(emb) < n*dim || len(weights) < n {
		panic("embed: Pool shape mismatch")
	}
	if method != spec.PoolMean && method != spec.PoolWeighted {
		panic(fmt.Sprintf("embed: Pool method %q", method))
	}
	if cap(dst) < dim {
		dst = make([]float32, dim)
	}
	dst = dst[:dim]
	acc := make([]float64, dim)
	total := 0.0
	for k := 0; k < n; k++ {
		w := 1.0
		if method == spec.PoolWeighted {
			w = float64(weights[k])
		}
		total += w
		for j, v := range emb[k*dim : (k+1)*dim] {
			acc[j] += w * float64(v)
		}
	}
	for j := range dst {
		dst[j] = float32(acc[j] / total)
	}
	return dst
}
