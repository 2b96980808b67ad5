package eval

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
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
// trials are sorted by score once and copied in that order, so that a
// resample costs two sequential passes over them and no memory of its
// own; the resamples run on GOMAXPROCS goroutines, each value the same
// as from the weighted ROC (rocWeighted, eerOf, minDCFOf) it equals.
func BootstrapSamples(scores []float64, target []bool, spkA, spkB []int, counts [][]int) (eer, dcf01, dcf05 []float64) {
	if len(scores) != len(target) || len(spkA) != len(scores) || len(spkB) != len(scores) {
		panic("eval: BootstrapSamples: scores, target, spkA and spkB lengths differ")
	}
	st := sortTrials(scores, target, spkA, spkB)
	eer, dcf01, dcf05 = make([]float64, len(counts)), make([]float64, len(counts)), make([]float64, len(counts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(counts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := int(next.Add(1) - 1); r < len(counts); r = int(next.Add(1) - 1) {
				eer[r], dcf01[r], dcf05[r] = st.resample(counts[r])
			}
		}()
	}
	wg.Wait()
	return eer, dcf01, dcf05
}

// sortedTrials are labelled trials in descending score order.
type sortedTrials struct {
	score  []float64
	target []bool
	a, b   []int32 // speakers of the two sides
	last   []bool  // the trial ends a run of equal scores: an ROC point follows it
}

// sortTrials copies the trials in the order of scoreOrder.
func sortTrials(scores []float64, target []bool, spkA, spkB []int) *sortedTrials {
	n := len(scores)
	st := &sortedTrials{score: make([]float64, n), target: make([]bool, n), a: make([]int32, n), b: make([]int32, n), last: make([]bool, n)}
	for k, i := range scoreOrder(scores) {
		st.score[k], st.target[k], st.a[k], st.b[k] = scores[i], target[i], int32(spkA[i]), int32(spkB[i])
	}
	for k := range n {
		st.last[k] = k+1 == n || st.score[k+1] != st.score[k]
	}
	return st
}

// weight is trial k's weight in the resample c (see the scheme above).
func (st *sortedTrials) weight(c []int, k int) float64 {
	a, b := st.a[k], st.b[k]
	if a == b {
		return float64(c[a])
	}
	return float64(c[a] * c[b])
}

// resample returns EER, minDCF(0.01) and minDCF(0.05) of the trials
// weighted by resample c, NaN when a class has no weight: the points of
// rocWeighted, scanned as they arise by eerOf's and minDCFOf's rules.
func (st *sortedTrials) resample(c []int) (eer, dcf01, dcf05 float64) {
	var nt, nn float64
	for k, t := range st.target {
		if t {
			nt += st.weight(c, k)
		} else {
			nn += st.weight(c, k)
		}
	}
	if nt == 0 || nn == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	scan := newDetScan()
	var tp, fp float64
	for k, t := range st.target {
		if t {
			tp += st.weight(c, k)
		} else {
			fp += st.weight(c, k)
		}
		if st.last[k] {
			scan.add(rocPoint{Threshold: st.score[k], FPR: fp / nn, FNR: 1 - tp/nt})
		}
	}
	eer, _, dcf01, dcf05 = scan.result()
	return eer, dcf01, dcf05
}

// detScan applies eerOf's and minDCFOf's (DCF01, DCF05) rules to ROC
// points given one at a time in descending threshold order, from the
// point (FPR 0, FNR 1) above every score: no curve is held.
type detScan struct {
	prev           rocPoint
	found          bool
	eer, threshold float64
	s1, s5         dcfScan
}

func newDetScan() *detScan {
	d := &detScan{prev: rocPoint{Threshold: math.Inf(1), FPR: 0, FNR: 1}, s1: newDCFScan(DCF01), s5: newDCFScan(DCF05)}
	d.s1.add(d.prev)
	d.s5.add(d.prev)
	return d
}

func (d *detScan) add(pt rocPoint) {
	if !d.found && pt.FNR <= pt.FPR {
		d.eer, d.threshold = eerOf([]rocPoint{d.prev, pt})
		d.found = true
	}
	d.s1.add(pt)
	d.s5.add(pt)
	d.prev = pt
}

// result is the EER, its threshold and the two normalised minimum costs.
func (d *detScan) result() (eer, threshold, minDCF01, minDCF05 float64) {
	return d.eer, d.threshold, d.s1.value(), d.s5.value()
}

// dcfScan is minDCFOf over points given one at a time.
type dcfScan struct {
	p    DCF
	best float64
}

func newDCFScan(p DCF) dcfScan { return dcfScan{p: p, best: math.Inf(1)} }

func (d *dcfScan) add(pt rocPoint) {
	if c := d.p.CMiss*pt.FNR*d.p.PTarget + d.p.CFA*pt.FPR*(1-d.p.PTarget); c < d.best {
		d.best = c
	}
}

func (d *dcfScan) value() float64 {
	return d.best / min(d.p.CMiss*d.p.PTarget, d.p.CFA*(1-d.p.PTarget))
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
