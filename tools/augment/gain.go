package augment

import (
	"math"
	"math/rand/v2"
)

// Gain multiplies x by 10^(gainDB/20) into dst (allocated when nil or
// short; it may alias x) and returns it.
func Gain(dst, x []float32, gainDB float64) []float32 {
	if cap(dst) < len(x) {
		dst = make([]float32, len(x))
	}
	dst = dst[:len(x)]
	g := math.Pow(10, gainDB/20)
	for i, v := range x {
		dst[i] = float32(float64(v) * g)
	}
	return dst
}

// EQConfig sets the random equaliser of RandomEQ. These ranges are this
// package's choice (neither Kaldi nor WeSpeaker ships an EQ augmentation):
// a microphone or loudspeaker colouring of a few dB.
type EQConfig struct {
	ShelfDB   float64 // gain range ±ShelfDB of each shelf; 6
	LowShelf  Range   // low-shelf corner in Hz; [100, 400]
	HighShelf Range   // high-shelf corner in Hz; [2000, 6000]
	Peaks     [2]int  // number of peaking bands, drawn from [Peaks[0], Peaks[1]]; [1, 3]
	PeakDB    float64 // gain range ±PeakDB of each peak; 9
	PeakFreq  Range   // peak centre in Hz, drawn log-uniformly; [150, 6000]
	PeakQ     Range   // peak quality; [0.7, 2]
}

// DefaultEQ returns the default EQConfig.
func DefaultEQ() EQConfig {
	return EQConfig{ShelfDB: 6, LowShelf: Range{100, 400}, HighShelf: Range{2000, 6000},
		Peaks: [2]int{1, 3}, PeakDB: 9, PeakFreq: Range{150, 6000}, PeakQ: Range{0.7, 2}}
}

// RandomEQ draws a low shelf, a high shelf and the peaking bands of c, in
// that order (Rate Hz).
func RandomEQ(c EQConfig, r *rand.Rand) []Biquad {
	sym := func(m float64) float64 { return (2*r.Float64() - 1) * m }
	s := []Biquad{
		LowShelf(Rate, c.LowShelf.Draw(r), sym(c.ShelfDB)),
		HighShelf(Rate, c.HighShelf.Draw(r), sym(c.ShelfDB)),
	}
	n := c.Peaks[0] + r.IntN(c.Peaks[1]-c.Peaks[0]+1)
	for range n {
		lf := Range{math.Log(c.PeakFreq.Lo), math.Log(c.PeakFreq.Hi)}.Draw(r)
		s = append(s, Peaking(Rate, math.Exp(lf), sym(c.PeakDB), c.PeakQ.Draw(r)))
	}
	return s
}

// Limit scales x down in place so that its peak is at most peak (e.g.
// 0.99, so a 16-bit WAV does not clip); louder-than-peak signals only.
func Limit(x []float32, peak float64) {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(float64(v)))
	}
	if m > peak {
		scale(x, peak/m)
	}
}
