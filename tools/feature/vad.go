package feature

import "math"

// TrimSilence returns the part of x between the first and the last
// non-silent frame, as librosa.effects.trim(x, top_db=thresholdDB,
// frame_length=frameLen, hop_length=hop): frame t covers samples
// [t*hop - frameLen/2, t*hop + frameLen/2) (zero-padded), its mean square
// in dB relative to the loudest frame (floored at 1e-10) must exceed
// -thresholdDB, and the kept span is [first*hop, min(len, (last+1)*hop)).
// All-silent input returns an empty slice. The result aliases x.
func TrimSilence(x []float32, frameLen, hop int, thresholdDB float64) []float32 {
	if frameLen <= 0 || hop <= 0 {
		panic("feature: TrimSilence frame length and hop must be positive")
	}
	ms := frameMeanSquares(x, frameLen, hop)
	var ref float64
	for _, v := range ms {
		ref = max(ref, v)
	}
	floor := 10*math.Log10(max(ref, 1e-10)) - thresholdDB
	first, last := -1, -1
	for t, v := range ms {
		if 10*math.Log10(max(v, 1e-10)) > floor {
			if first < 0 {
				first = t
			}
			last = t
		}
	}
	if first < 0 {
		return x[:0]
	}
	return x[first*hop : min(len(x), (last+1)*hop)]
}

// frameMeanSquares is librosa.feature.rms(...)**2 with center=True and
// constant padding: 1 + len(x)/hop frames, from prefix sums of squares.
func frameMeanSquares(x []float32, frameLen, hop int) []float64 {
	cum := make([]float64, len(x)+1)
	for i, v := range x {
		cum[i+1] = cum[i] + float64(v)*float64(v)
	}
	n := 1 + len(x)/hop
	ms := make([]float64, n)
	for t := range ms {
		a := t*hop - frameLen/2
		b := a + frameLen
		a, b = max(a, 0), min(max(b, 0), len(x))
		if b > a {
			ms[t] = (cum[b] - cum[a]) / float64(frameLen)
		}
	}
	return ms
}

// FrameEnergiesDB sets dst[t] (reused when its capacity suffices) to the
// mel energy of frame t in dB, 10 log10(max(sum_m P[t,m], 1e-10)), where
// P inverts the compression of kind: P = (10^v - 1)/10000 for KindLogMel
// frames v = log10(1 + 10000 P), P = e^v for KindFbank frames v = ln P.
//
//	frames: [nFrames, nMels] float32, row-major
//
// It panics for another kind or when frames is too short.
func FrameEnergiesDB(dst []float64, frames []float32, nFrames, nMels int, kind string) []float64 {
	if nFrames < 0 || nMels <= 0 || len(frames) < nFrames*nMels {
		panic("feature: FrameEnergiesDB shape mismatch")
	}
	var power func(v float64) float64
	switch kind {
	case KindLogMel:
		power = func(v float64) float64 { return math.Expm1(max(v, 0)*math.Ln10) / 10000 }
	case KindFbank:
		power = math.Exp
	default:
		panic("feature: FrameEnergiesDB kind " + kind)
	}
	if cap(dst) < nFrames {
		dst = make([]float64, nFrames)
	}
	dst = dst[:nFrames]
	for t := range dst {
		var e float64
		for _, v := range frames[t*nMels : (t+1)*nMels] {
			e += power(float64(v))
		}
		dst[t] = 10 * math.Log10(max(e, 1e-10))
	}
	return dst
}

// DropSilentFrames is a frame-level energy VAD on log-mel frames: it keeps
// the frames whose mel energy (FrameEnergiesDB) exceeds the loudest
// frame's less thresholdDB: the criterion of TrimSilence and
// librosa.effects.trim top_db, applied to every frame rather than only to
// the ends, so pauses inside an utterance go too. The kept frames are
// copied, in order, to dst (reused when its capacity suffices; frames[:0]
// filters in place); it returns them and their number, at least 1 when
// nFrames > 0 (the loudest frame always stays).
//
//	frames, result: [n, nMels] float32, row-major
func DropSilentFrames(dst, frames []float32, nFrames, nMels int, kind string, thresholdDB float64) ([]float32, int) {
	if thresholdDB <= 0 {
		panic("feature: DropSilentFrames threshold must be positive")
	}
	db := FrameEnergiesDB(nil, frames, nFrames, nMels, kind)
	ref := math.Inf(-1)
	for _, v := range db {
		ref = max(ref, v)
	}
	dst = dst[:0]
	kept := 0
	for t, v := range db {
		if v > ref-thresholdDB {
			dst = append(dst, frames[t*nMels:(t+1)*nMels]...)
			kept++
		}
	}
	return dst, kept
}
