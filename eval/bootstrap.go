package eval

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Speaker-level bootstrap of the verification metrics.
//
// The scheme (Bengio & Mariéthoz, "A statistical significance test for
// person authentication", Odyssey 2004; Poh & Bengio, "Estimating the
// confidence interval of expected performance curve in biometric
// authentication using joint bootstrap", ICASSP 2007): the trials are not
// independent, the speakers are. A resample draws the n speakers that occur
// in the trials n times with replacement; speaker s drawn c_s times gives
//
//   - a target trial of speaker s (spkA == spkB == s) the weight c_s: each
//     copy of s brings its own same-speaker trials;
//   - a non-target trial between speakers a != b the weight c_a·c_b: every
//     pair of a copy of a with a copy of b brings that trial.
//
// No trial is formed between two copies of the same speaker. The metric of
// the resample is the one of the weighted trials (the trial list with each
// trial repeated by its weight), and the interval is the percentile interval
// of the B resample values (numpy.percentile's linear rule). Resamples
// without a target or a non-target trial of positive weight are left out
// and counted (Degenerate).

// BootstrapB is the default number of resamples.
const BootstrapB = 1000

// Interval is a two-sided confidence interval [Lo, Hi].
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// BootstrapResult holds the 95% intervals of a speaker bootstrap.
type BootstrapResult struct {
	Speakers   int      `json:"speakers"`   // n, the speakers the trials name
	B          int      `json:"resamples"`  // resamples drawn
	Seed       uint64   `json:"seed"`       // of SpeakerResamples
	Degenerate int      `json:"degenerate"` // resamples left out (one class missing)
	EER        Interval `json:"eer"`
	MinDCF01   Interval `json:"min_dcf_p0.01"`
	MinDCF05   Interval `json:"min_dcf_p0.05"`
}

// SpeakerResamples returns b resamples of n speakers: counts[r][s] is how
// often speaker s was drawn in resample r (each row sums to n). The draws
// come from a PCG generator seeded (seed, 0x5eed), so a seed fixes them.
func SpeakerResamples(n, b int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	counts := make([][]int, b)
	for r := range counts {
		c := make([]int, n)
		for range n {
			c[rng.IntN(n)]++
		}
		counts[r] = c
	}
	return counts
}

// compactSpeakers renumbers the speakers of the trials 0..n-1 in ascending
// order of their ids and returns the new ids of both sides and n.
func compactSpeakers(spkA, spkB []int) (a, b []int, n int) {
	seen := map[int]bool{}
	for i := range spkA {
		seen[spkA[i]], seen[spkB[i]] = true, true
	}
	ids := make([]int, 0, len(seen))
	for s := range seen {
		ids = append(ids, s)
	}
	sort.Ints(ids)
	num := make(map[int]int, len(ids))
	for k, s := range ids {
		num[s] = k
	}
	a, b = make([]int, len(spkA)), make([]int, len(spkB))
	for i := range spkA {
		a[i], b[i] = num[spkA[i]], num[spkB[i]]
	}
	return a, b, len(ids)
}

// BootstrapSamples returns EER, minDCF(0.01) and minDCF(0.05) of each
// resample counts[r] (speaker ids 0..len(counts[r])-1 as spkA and spkB
// name them; see the scheme above), NaN for a degenerate resample. The
// scores are sorted once; a resample costs one pass over the trials.
func BootstrapSamples(scores []float64, target []bool, spkA, spkB []int, counts [][]int) (eer, dcf01, dcf05 []float64) {
	if len(scores) != len(target) || len(spkA) != len(scores) || len(spkB) != len(scores) {
		panic("eval: BootstrapSamples: scores, target, spkA and spkB lengths differ")
	}
	order := scoreOrder(scores)
	w := make([]float64, len(scores))
	var pts []rocPoint
	eer, dcf01, dcf05 = make([]float64, len(counts)), make([]float64, len(counts)), make([]float64, len(counts))
	for r, c := range counts {
		var wt, wn float64
		for i := range w {
			a, b := c[spkA[i]], c[spkB[i]]
			if spkA[i] == spkB[i] {
				w[i] = float64(a)
			} else {
				w[i] = float64(a * b)
			}
			if target[i] {
				wt += w[i]
			} else {
				wn += w[i]
			}
		}
		if wt == 0 || wn == 0 {
			eer[r], dcf01[r], dcf05[r] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		pts = rocWeighted(order, scores, target, w, pts)
		eer[r], _ = eerOf(pts)
		dcf01[r], _ = minDCFOf(pts, DCF01)
		dcf05[r], _ = minDCFOf(pts, DCF05)
	}
	return eer, dcf01, dcf05
}

// Percentile returns the q-th percentile (0..100) of the non-NaN values of
// x with numpy.percentile's default linear interpolation, NaN when none.
func Percentile(x []float64, q float64) float64 {
	v := make([]float64, 0, len(x))
	for _, f := range x {
		if !math.IsNaN(f) {
			v = append(v, f)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	h := q / 100 * float64(len(v)-1)
	k := int(math.Floor(h))
	if k+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[k] + (h-float64(k))*(v[k+1]-v[k])
}

// Bootstrap returns the 95% percentile intervals of EER and minDCF over b
// speaker resamples (seeded by seed) of the trials; spkA and spkB are the
// speakers of each trial's two sides (any integer ids). Both classes must
// be present and b must be positive.
func Bootstrap(scores []float64, target []bool, spkA, spkB []int, b int, seed uint64) BootstrapResult {
	checkTrials(target)
	if b <= 0 {
		panic("eval: Bootstrap: the number of resamples must be positive")
	}
	a, bb, n := compactSpeakers(spkA, spkB)
	e, d1, d5 := BootstrapSamples(scores, target, a, bb, SpeakerResamples(n, b, seed))
	r := BootstrapResult{Speakers: n, B: b, Seed: seed}
	for _, v := range e {
		if math.IsNaN(v) {
			r.Degenerate++
		}
	}
	ci := func(x []float64) Interval { return Interval{Percentile(x, 2.5), Percentile(x, 97.5)} }
	r.EER, r.MinDCF01, r.MinDCF05 = ci(e), ci(d1), ci(d5)
	return r
}

// BootstrapEER returns the 95% interval of the EER over b speaker
// resamples (see Bootstrap).
func BootstrapEER(scores []float64, target []bool, spkA, spkB []int, b int, seed uint64) (lo, hi float64) {
	r := Bootstrap(scores, target, spkA, spkB, b, seed)
	return r.EER.Lo, r.EER.Hi
}
