package feature

import "fmt"

// Mean normalisation of an utterance's features (CMN, cepstral mean
// normalisation, here of log-mel or fbank rows), as Kaldi's apply-cmvn
// --norm-vars=false (utterance) and apply-cmvn-sliding --norm-vars=false
// --center=true (sliding) do. The store keeps the frames unnormalised;
// the network's input is normalised where it is read ([model] cmn).
const (
	CMNNone      = "none"      // frames as computed (default, the published configuration)
	CMNUtterance = "utterance" // each bin minus its mean over the utterance
	CMNSliding   = "sliding"   // each bin minus its mean over a centred window of Window frames
)

// CMNModes lists every mean normalisation.
var CMNModes = []string{CMNNone, CMNUtterance, CMNSliding}

// DefaultCMNWindow is the sliding window in frames (3 s at the 10 ms
// hop): Kaldi's VoxCeleb and SRE x-vector recipes run apply-cmvn-sliding
// --cmn-window=300 --center=true (the tool's own default is 600).
const DefaultCMNWindow = 300

// CMNWindow returns the frames [lo, hi) whose mean normalises frame t of
// an utterance of n frames under a centred window of w frames, as Kaldi's
// SlidingWindowCmnInternal with center=true: [t - w/2, t - w/2 + w),
// shifted right when it starts before frame 0 and left when it ends past
// frame n, clipped to [0, n) when the utterance is shorter than w (then
// every frame's window is the whole utterance).
func CMNWindow(t, n, w int) (lo, hi int) {
	lo = t - w/2
	hi = lo + w
	if lo < 0 {
		hi -= lo
		lo = 0
	}
	if hi > n {
		lo -= hi - n
		hi = n
		lo = max(lo, 0)
	}
	return lo, hi
}

// CMNSpan is the span [lo, hi) of an utterance of n frames that the
// sliding windows (w frames) of frames [from, to) cover: what a reader
// of a crop must read (SlidingCMNSpan).
func CMNSpan(from, to, n, w int) (lo, hi int) {
	lo, _ = CMNWindow(from, n, w)
	_, hi = CMNWindow(to-1, n, w)
	return lo, hi
}

// SubtractMeanOf subtracts mean ([dim], e.g. ColumnMean of the whole
// utterance) from every row of x ([n, dim]) in place, in float64 rounded
// to float32: SubtractMean with the mean given, for a crop of an
// utterance whose mean is known (SubtractMean is this with the rows' own
// mean).
func SubtractMeanOf(x []float32, n int, mean []float64) {
	dim := len(mean)
	if len(x) < n*dim {
		panic("feature: SubtractMeanOf shape mismatch")
	}
	for t := 0; t < n; t++ {
		row := x[t*dim : (t+1)*dim]
		for j, v := range row {
			row[j] = float32(float64(v) - mean[j])
		}
	}
}

// SlidingCMNSpan writes frames [from, to) of an utterance of n frames,
// each minus the mean of its centred window of w frames (CMNWindow), into
// dst ([to-from, nMels], reused when large enough). span holds the
// utterance's frames [lo, lo + len(span)/nMels) and must cover
// CMNSpan(from, to, n, w). Window sums are float64 prefix sums; the
// result is rounded to float32.
func SlidingCMNSpan(dst, span []float32, lo, from, to, n, nMels, w int) []float32 {
	slo, shi := CMNSpan(from, to, n, w)
	rows := len(span) / nMels
	if from < 0 || to > n || from >= to || w < 1 || slo < lo || shi > lo+rows {
		panic(fmt.Sprintf("feature: SlidingCMNSpan frames [%d, %d) of %d, window %d, span [%d, %d)", from, to, n, w, lo, lo+rows))
	}
	cum := make([]float64, (shi-slo+1)*nMels) // cum[i] = sum of frames [slo, slo+i)
	for i := 0; i < shi-slo; i++ {
		src := span[(slo-lo+i)*nMels:]
		prev, next := cum[i*nMels:(i+1)*nMels], cum[(i+1)*nMels:(i+2)*nMels]
		for m := range next {
			next[m] = prev[m] + float64(src[m])
		}
	}
	k := to - from
	if cap(dst) < k*nMels {
		dst = make([]float32, k*nMels)
	}
	dst = dst[:k*nMels]
	for t := from; t < to; t++ {
		a, b := CMNWindow(t, n, w)
		ca, cb := cum[(a-slo)*nMels:], cum[(b-slo)*nMels:]
		inv := 1 / float64(b-a)
		src, out := span[(t-lo)*nMels:(t-lo+1)*nMels], dst[(t-from)*nMels:(t-from+1)*nMels]
		for m, v := range src {
			out[m] = float32(float64(v) - (cb[m]-ca[m])*inv)
		}
	}
	return dst
}

// ApplyCMN normalises an utterance's frames ([n, nMels]) in place by mode
// (one of CMNModes; window w frames for CMNSliding). An unknown mode is a
// programmer error (the config validated it): it panics.
func ApplyCMN(frames []float32, n, nMels int, mode string, w int) {
	if n == 0 {
		return
	}
	switch mode {
	case CMNNone, "":
	case CMNUtterance:
		SubtractMean(frames, n, nMels)
	case CMNSliding:
		copy(frames, SlidingCMNSpan(nil, frames[:n*nMels], 0, 0, n, n, nMels, w))
	default:
		panic(fmt.Sprintf("feature: ApplyCMN mode %q", mode))
	}
}
