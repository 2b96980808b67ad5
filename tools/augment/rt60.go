package augment

import "math"

// binT60 is the width in samples of the energy histogram Beta fits on (10 ms).
const binT60 = Rate / 100

// Beta is the wall reflection coefficient RIR uses: the β for which the
// T30 (Schroeder backward integration, the -5 to -35 dB line extrapolated
// to 60 dB; T20 when the response is too short for -35 dB) of the room's n
// samples long image-method response equals RT60. It is found by bisection
// on a histogram of image energies in 10 ms bins, kept per reflection count
// so each trial β costs a polynomial evaluation, not a new response. The
// search starts from EyringBeta, which it replaces: Eyring's diffuse-field
// formula overestimates the decay rate of a shoebox image model by
// 1.4-1.8 times.
func (rm Room) Beta(n int) float64 {
	dmax := float64(n) / Rate * SoundSpeed
	bins := (n + binT60 - 1) / binT60
	hist := make([][]float64, bins) // hist[b][k]: energy of images in bin b with k reflections, at β = 1
	rm.images(dmax, func(d float64, refl int) {
		b := min(int(d/SoundSpeed*Rate)/binT60, bins-1)
		for len(hist[b]) <= refl {
			hist[b] = append(hist[b], 0)
		}
		hist[b][refl] += 1 / (16 * math.Pi * math.Pi * math.Max(d*d, 1e-6))
	})
	e := make([]float64, bins)
	t30 := func(beta float64) float64 {
		b2 := beta * beta
		for i, hk := range hist {
			var s, p float64 = 0, 1
			for _, v := range hk {
				s += v * p
				p *= b2
			}
			e[i] = s
		}
		return decayTime(e, binT60)
	}
	lo, hi := 1e-3, 1-1e-9
	if t30(hi) < rm.RT60 {
		return hi
	}
	beta := rm.EyringBeta()
	for range 50 {
		if t := t30(beta); t > rm.RT60 {
			hi = beta
		} else {
			lo = beta
		}
		beta = (lo + hi) / 2
	}
	return beta
}

// decayTime is the T30 in s of energies e in bins of width samples:
// Schroeder's backward integral in dB, a least-squares line through its
// -5 to -35 dB points (-5 to -25 dB, T20, when it ends above -35 dB),
// extrapolated to -60 dB. It returns +Inf when the decay does not reach
// -25 dB, 0 when it falls faster than one bin.
func decayTime(e []float64, width int) float64 {
	edc := make([]float64, len(e))
	var s float64
	for i := len(e) - 1; i >= 0; i-- {
		s += e[i]
		edc[i] = s
	}
	if edc[0] <= 0 {
		return 0
	}
	floor := -35.0
	if last := 10 * math.Log10(edc[len(edc)-1]/edc[0]); last > floor {
		if last > -25 {
			return math.Inf(1)
		}
		floor = -25
	}
	var n, sx, sy, sxx, sxy float64
	for i, v := range edc {
		db := 10 * math.Log10(v/edc[0])
		if db > -5 || db < floor {
			continue
		}
		x := float64(i*width) / Rate
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+db, sxx+x*x, sxy+x*db
	}
	if n < 2 {
		return 0
	}
	return -60 * (n*sxx - sx*sx) / (n*sxy - sx*sy)
}
