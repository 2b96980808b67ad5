package eval

import (
	"math"
	"math/rand/v2"
)

// KMeans groups the points into k clusters with Lloyd's algorithm from a
// k-means++ start, keeping the lowest-inertia run of restarts; labels are
// 0..k-1. Deterministic for a seed.
func KMeans(pts [][]float64, k, restarts int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 11))
	var best []int
	bestInertia := math.Inf(1)
	for r := 0; r < max(1, restarts); r++ {
		labels, inertia := lloyd(pts, kmeansPP(pts, k, rng))
		if inertia < bestInertia {
			best, bestInertia = labels, inertia
		}
	}
	return best
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// kmeansPP picks k starting centres, each with probability proportional to
// its squared distance from the nearest centre already chosen.
func kmeansPP(pts [][]float64, k int, rng *rand.Rand) [][]float64 {
	centres := [][]float64{append([]float64(nil), pts[rng.IntN(len(pts))]...)}
	d := make([]float64, len(pts))
	for len(centres) < k {
		var total float64
		for i, p := range pts {
			d[i] = math.Inf(1)
			for _, c := range centres {
				d[i] = math.Min(d[i], sqDist(p, c))
			}
			total += d[i]
		}
		pick := len(pts) - 1
		u := rng.Float64() * total
		for i, v := range d {
			if u -= v; u <= 0 {
				pick = i
				break
			}
		}
		centres = append(centres, append([]float64(nil), pts[pick]...))
	}
	return centres
}

// lloyd iterates assignment and mean updates until the labels settle.
func lloyd(pts [][]float64, centres [][]float64) ([]int, float64) {
	labels := make([]int, len(pts))
	for i := range labels {
		labels[i] = -1
	}
	var inertia float64
	for iter := 0; iter < 300; iter++ {
		changed := false
		inertia = 0
		for i, p := range pts {
			bi, bd := 0, math.Inf(1)
			for c, ctr := range centres {
				if d := sqDist(p, ctr); d < bd {
					bi, bd = c, d
				}
			}
			inertia += bd
			if labels[i] != bi {
				labels[i], changed = bi, true
			}
		}
		if !changed {
			break
		}
		updateCentres(pts, labels, centres)
	}
	return labels, inertia
}

func updateCentres(pts [][]float64, labels []int, centres [][]float64) {
	counts := make([]int, len(centres))
	for c := range centres {
		for j := range centres[c] {
			centres[c][j] = 0
		}
	}
	for i, p := range pts {
		counts[labels[i]]++
		for j, v := range p {
			centres[labels[i]][j] += v
		}
	}
	for c := range centres {
		if counts[c] == 0 {
			continue // an empty cluster keeps a zero centre
		}
		for j := range centres[c] {
			centres[c][j] /= float64(counts[c])
		}
	}
}
