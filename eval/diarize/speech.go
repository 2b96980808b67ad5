package diarize

import (
	"math"
	"sort"
)

// SpeechOptions tune Speech. Zero values take the defaults.
type SpeechOptions struct {
	// FrameSec and HopSec are the analysis frame and hop (0.025, 0.010 s).
	FrameSec, HopSec float64
	// RangeDB: a frame is speech when its energy is within RangeDB of the
	// loudest frames' (the 99th percentile) and above the noise floor (the
	// 10th percentile) by FloorDB (defaults 35 and 10 dB).
	RangeDB, FloorDB float64
	// MinSpeechSec drops shorter speech runs (0.2 s); MinGapSec fills
	// shorter pauses between runs (0.3 s).
	MinSpeechSec, MinGapSec float64
}

func (o SpeechOptions) withDefaults() SpeechOptions {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.FrameSec, 0.025)
	def(&o.HopSec, 0.010)
	def(&o.RangeDB, 35)
	def(&o.FloorDB, 10)
	def(&o.MinSpeechSec, 0.2)
	def(&o.MinGapSec, 0.3)
	return o
}

// Region is a span of a recording in seconds, [Start, End).
type Region struct{ Start, End float64 }

// Speech returns the speech regions of x (mono samples at rate Hz), sorted
// and disjoint: frames whose energy (dB of the mean square) passes both
// thresholds of opts, pauses shorter than MinGapSec filled, runs shorter
// than MinSpeechSec dropped. Digital silence (every sample 0) has none.
func Speech(x []float32, rate int, opts SpeechOptions) []Region {
	o := opts.withDefaults()
	win, hop := int(o.FrameSec*float64(rate)), int(o.HopSec*float64(rate))
	if win <= 0 || hop <= 0 || len(x) < win {
		return nil
	}
	n := 1 + (len(x)-win)/hop
	db := make([]float64, n)
	for i := range db {
		var ss float64
		for _, v := range x[i*hop : i*hop+win] {
			ss += float64(v) * float64(v)
		}
		db[i] = 10 * math.Log10(ss/float64(win)+1e-12)
	}
	sorted := append([]float64(nil), db...)
	sort.Float64s(sorted)
	loud, floor := sorted[n*99/100], sorted[n/10]
	if loud < -100 {
		return nil // digital silence
	}
	thr := math.Max(loud-o.RangeDB, floor+o.FloorDB)
	if floor+o.FloorDB > loud { // no contrast: all speech or all noise; keep the loud part
		thr = loud - o.RangeDB
	}
	var out []Region
	start := -1
	for i := 0; i <= n; i++ {
		on := i < n && db[i] >= thr
		switch {
		case on && start < 0:
			start = i
		case !on && start >= 0:
			out = append(out, Region{float64(start*hop) / float64(rate), float64((i-1)*hop+win) / float64(rate)})
			start = -1
		}
	}
	return smooth(out, o.MinGapSec, o.MinSpeechSec)
}

// smooth fills gaps shorter than gap and then drops regions shorter than minLen.
func smooth(r []Region, gap, minLen float64) []Region {
	var merged []Region
	for _, s := range r {
		if k := len(merged) - 1; k >= 0 && s.Start-merged[k].End < gap {
			merged[k].End = math.Max(merged[k].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	out := merged[:0]
	for _, s := range merged {
		if s.End-s.Start >= minLen {
			out = append(out, s)
		}
	}
	return out
}
