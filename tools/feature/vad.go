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
