package train

import (
	"fmt"
	"math/rand/v2"
)

// SpecAugment configures the time and frequency masks of SpecAugment (Park
// et al. 2019) applied on the fly to every training segment, the way
// WeSpeaker's processor.spec_aug does it: with probability Prob a segment
// gets TimeMasks bands of 1..TimeWidth frames and FreqMasks bands of
// 1..FreqWidth mel bins, each starting at a uniform position (a band
// reaching the edge is cut there), set to the segment's mean value (0 on the
// mean-normalised features of WeSpeaker and Park et al.; for voxsiam's
// log-mel store, a plain "no information" level that keeps the segment's
// scale). Time warping is not done (WeSpeaker omits it too).
//
// WeSpeaker's defaults are one time mask of up to 10 frames and one
// frequency mask of up to 8 bins, probability 0.6, on 200-frame segments of
// 80 bins. voxsiam's segments are 40 frames of 128 bins, so the default
// widths keep the fractions: up to 4 frames (10% of a segment; WeSpeaker's
// 10 frames are 5% of 200, Park's LibriSpeech policy allows 20%) and up to
// 13 bins (10% of 128, as 8 of 80).
//
// Masks are drawn from their own random stream seeded with (seed, step),
// so a resumed run sees the same masked batches, and switching masks on or
// off does not change which segments a batch holds.
type SpecAugment struct {
	Enabled   bool    `toml:"spec_augment"`    // mask training segments; false (the published setup has none)
	Prob      float64 `toml:"spec_prob"`       // probability a segment is masked; 0.6 (WeSpeaker)
	TimeMasks int     `toml:"spec_time_masks"` // time masks per masked segment; 1
	TimeWidth int     `toml:"spec_time_width"` // widest time mask in frames; 4
	FreqMasks int     `toml:"spec_freq_masks"` // frequency masks per masked segment; 1
	FreqWidth int     `toml:"spec_freq_width"` // widest frequency mask in mel bins; 13
}

// DefaultSpecAugment is the default: off, with the widths above.
func DefaultSpecAugment() SpecAugment {
	return SpecAugment{Prob: 0.6, TimeMasks: 1, TimeWidth: 4, FreqMasks: 1, FreqWidth: 13}
}

// validate reports an invalid setting.
func (c SpecAugment) validate() error {
	if c.Prob < 0 || c.Prob > 1 || c.TimeMasks < 0 || c.FreqMasks < 0 || c.TimeWidth < 1 || c.FreqWidth < 1 {
		return fmt.Errorf("train: spec_prob %g must be in [0, 1], spec_time_masks %d and spec_freq_masks %d >= 0, spec_time_width %d and spec_freq_width %d >= 1",
			c.Prob, c.TimeMasks, c.FreqMasks, c.TimeWidth, c.FreqWidth)
	}
	return nil
}

// specSalt separates the mask stream from the sampler's (seed, step) stream.
const specSalt = 0x5bec_a06d_0000_0001

// Apply masks the segments of b in place when enabled. b.X is
// [b.Size, frames, bins] float32 (frames = segment length, bins = mel bins);
// the masks depend only on (seed, b.Step).
func (c SpecAugment) Apply(b *Batch, seed uint64, frames, bins int) {
	if !c.Enabled {
		return
	}
	r := rand.New(rand.NewPCG(seed^specSalt, uint64(b.Step)))
	n := frames * bins
	for j := 0; j < b.Size; j++ {
		if r.Float64() >= c.Prob {
			continue
		}
		c.maskSegment(b.X[j*n:(j+1)*n], frames, bins, r)
	}
}

// maskSegment masks one segment x: [frames, bins].
func (c SpecAugment) maskSegment(x []float32, frames, bins int, r *rand.Rand) {
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	mean := float32(sum / float64(len(x)))
	for range c.TimeMasks {
		a := r.IntN(frames)
		e := min(frames, a+1+r.IntN(c.TimeWidth))
		for t := a; t < e; t++ {
			for f := range bins {
				x[t*bins+f] = mean
			}
		}
	}
	for range c.FreqMasks {
		a := r.IntN(bins)
		e := min(bins, a+1+r.IntN(c.FreqWidth))
		for t := range frames {
			for f := a; f < e; f++ {
				x[t*bins+f] = mean
			}
		}
	}
}
