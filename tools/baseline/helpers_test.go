package baseline

import (
	"math"
	"math/rand/v2"
)

// pausedTone is seconds of a harmonic tone at rate Hz whose pitch depends
// on seed, in bursts of 0.3 s separated by 0.2 s of near-silence (for the
// VAD), with a little noise.
func pausedTone(seconds float64, rate int, seed ...uint64) []float32 {
	s := uint64(1)
	if len(seed) > 0 {
		s = seed[0]
	}
	rng := rand.New(rand.NewPCG(s, 3))
	f0 := 100 + 20*float64(s%7)
	x := make([]float32, int(seconds*float64(rate)))
	for i := range x {
		t := float64(i) / float64(rate)
		if math.Mod(t, 0.5) >= 0.3 {
			x[i] = float32(1e-4 * rng.NormFloat64())
			continue
		}
		var v float64
		for h := 1; h <= 15; h++ {
			v += math.Sin(2*math.Pi*float64(h)*f0*t) / float64(h)
		}
		x[i] = float32(0.2*v + 0.01*rng.NormFloat64())
	}
	return x
}
