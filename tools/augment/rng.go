package augment

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// Rate is the sample rate in Hz of all audio this package handles.
const Rate = 16000

// NewRand returns the random source of one augmentation: PCG seeded with
// seed and the FNV-1a hash of key (e.g. an utterance id and the
// augmentation's name), so every output depends only on (seed, key), not
// on the order or the number of workers that make them.
func NewRand(seed uint64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// Range is a closed interval [Lo, Hi] that a parameter is drawn from
// uniformly; Lo == Hi fixes it.
type Range struct{ Lo, Hi float64 }

// Draw returns a uniform value in the range.
func (g Range) Draw(r *rand.Rand) float64 { return g.Lo + (g.Hi-g.Lo)*r.Float64() }

// power is the mean square of x (float64 accumulation).
func power(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s / float64(len(x))
}

// scale multiplies x by g in place.
func scale(x []float32, g float64) {
	for i, v := range x {
		x[i] = float32(float64(v) * g)
	}
}

// dB converts a power ratio to decibels.
func dB(ratio float64) float64 { return 10 * math.Log10(ratio) }
