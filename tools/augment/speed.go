package augment

import (
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// SpeedFactors are the factors of Kaldi's speed perturbation
// (utils/data/perturb_data_dir_speed_3way.sh: 0.9, 1.0, 1.1; Ko et al. 2015).
var SpeedFactors = []float64{0.9, 1.1}

// Speed plays x (Rate Hz) factor times faster, as sox's `speed factor`
// effect does: tempo and pitch both scale by factor and the length by
// 1/factor. The signal is read as if sampled at factor·Rate and resampled
// to Rate by audio.Resample (scipy.signal.resample_poly's Kaiser filter), so
// factor·Rate must be a whole number of Hz; factor is rounded to that
// (0.9 and 1.1 are exact). It panics for a factor outside (0, 10].
func Speed(x []float32, factor float64) []float32 {
	if !(factor > 0 && factor <= 10) {
		panic("augment: Speed factor outside (0, 10]")
	}
	from := int(math.Round(factor * Rate))
	if from == Rate {
		return append([]float32(nil), x...)
	}
	return audio.Resample(x, from, Rate)
}

// SpeakerPrefix is the prefix Kaldi gives speakers and utterances of a
// speed-perturbed copy: "sp0.9-", "sp1.1-". Each factor makes new speakers,
// since the pitch moves with the speed.
func SpeakerPrefix(factor float64) string {
	return fmt.Sprintf("sp%g-", factor)
}
