package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Source is what the sampler reads: *store.Store satisfies it.
type Source interface {
	Utterances() []store.Utterance
	NMels() int
	// Crop copies rows [start, start+n) of u into dst: [n, NMels] float32.
	Crop(dst []float32, u store.Utterance, start, n int) []float32
}

// Batch is one mini-batch as the graph is fed.
type Batch struct {
	Step     int64
	X        []float32 // spectrogram: [Size, Segment, NMels] float32, log-mel
	Rows     []int64   // [Size] segment j is rows [Rows[j], Rows[j]+Segment) of the store's frames (what worker input feeds instead of X)
	Labels   []int32   // labels: [Size] class index into the sampler's Speakers()
	PairI    []int32   // balanced mode: pair_i [Size/2] segment indices
	PairJ    []int32   // balanced mode: pair_j [Size/2]
	PairSame []float32 // balanced mode: pair_same [Size/2], 1 same speaker, 0 different
	Size     int       // segments in the batch
	// Teacher is [Size, D] float32, the teacher embedding of each
	// segment's utterance, and TeacherMask [Size], 1 where it has one
	// (teacher_missing "skip" leaves 0 rows); both empty without a teacher.
	Teacher     []float32
	TeacherMask []float32
}

// Sampler draws mini-batches of random segments from a set of speakers. A
// batch depends only on (seed, step): a resumed run sees the same data.
type Sampler struct {
	src      Source
	speakers []string            // label k is speakers[k] (a class: a speaker, or a label of the label map)
	utts     [][]store.Utterance // per class, utterances with at least Segment rows
	seed     uint64
	batch    int
	seg      int
	balanced bool
	pk       int         // pk sampling: segments per drawn speaker; 0 = off
	cum      []float64   // SetWeights: cumulative class weights (random sampling); nil = uniform
	logw     []float64   // SetWeights: 1/weight per class (pk sampling); nil = uniform
	spec     SpecAugment // applied to each batch by Prefetch
	// rowsOnly: Make records each segment's store rows (Batch.Rows) and
	// copies no frames (Batch.X empty): the net feeds the rows and its
	// towers read the frames (worker input, FeedsRows).
	rowsOnly bool
	teacher  *Teacher // SetTeacher: fills Batch.Teacher; nil = none
}

// SetTeacher makes every batch carry the teacher embedding of each
// segment's utterance (Batch.Teacher, Batch.TeacherMask); nil removes it.
func (s *Sampler) SetTeacher(t *Teacher) { s.teacher = t }

// NewSampler samples from the utterances of speakers (each needs one
// utterance of at least o.Segment frames). Labels follow the order of speakers.
func NewSampler(src Source, speakers []string, o Options) (*Sampler, error) {
	return NewLabelledSampler(src, speakers, nil, o)
}

// NewLabelledSampler is NewSampler with a label map (ReadLabelMap): speakers
// sharing a label form one class, drawn as one speaker is (its utterances
// pooled) and labelled alike; the classes are the sorted distinct labels.
func NewLabelledSampler(src Source, speakers []string, label map[string]string, o Options) (*Sampler, error) {
	names, members := classes(speakers, label)
	s := &Sampler{src: src, speakers: names, seed: o.Seed, batch: o.Batch,
		seg: o.Segment, balanced: o.Sampling == "balanced", spec: o.SpecAugment}
	if o.Sampling == "pk" {
		s.pk = o.PerSpeaker
	}
	var err error
	if s.utts, err = groupUtterances(src.Utterances(), members, o.Segment); err != nil {
		return nil, err
	}
	if s.balanced && len(names) < 2 {
		return nil, fmt.Errorf("train: balanced sampling needs 2 speakers, have %d", len(names))
	}
	return s, nil
}

// groupUtterances lists, per class, the utterances of its speakers long
// enough for one segment, sorted by id.
func groupUtterances(all []store.Utterance, members [][]string, seg int) ([][]store.Utterance, error) {
	idx := map[string]int{}
	for k, sps := range members {
		for _, sp := range sps {
			idx[sp] = k
		}
	}
	utts := make([][]store.Utterance, len(members))
	for _, u := range all {
		if k, ok := idx[u.Speaker]; ok && u.Rows >= int64(seg) {
			utts[k] = append(utts[k], u)
		}
	}
	for k, us := range utts {
		if len(us) == 0 {
			return nil, fmt.Errorf("train: speaker %q has no utterance of %d frames or more", strings.Join(members[k], ", "), seg)
		}
		sort.Slice(us, func(a, b int) bool { return us[a].ID < us[b].ID })
	}
	return utts, nil
}

// SetWeights makes class k drawn with probability proportional to w[name of
// class k] (classes w does not name weigh 1), in random and pk sampling: a
// random batch draws each segment's class by weight, a pk batch draws its P
// classes by weight without replacement (Efraimidis and Spirakis 2006: the P
// largest of u^(1/w), u uniform). Oversampling a minority of the classes (the
// real voices among synthetic ones) is its use. A name that is no class is an
// error; nil or all-equal weights keep the uniform draws, batch for batch.
func (s *Sampler) SetWeights(w map[string]float64, source string) error {
	if s.balanced {
		return errs.Usage("train: class weights (%s) need sampling random or pk", source)
	}
	if w == nil {
		s.cum, s.logw = nil, nil
		return nil
	}
	idx := make(map[string]int, len(s.speakers))
	for k, name := range s.speakers {
		idx[name] = k
	}
	for name := range w {
		if _, ok := idx[name]; !ok {
			return errs.BadData("train: class weights %s: %q is not a training class (a training speaker, or a label of the label map)", source, name)
		}
	}
	ws := make([]float64, len(s.speakers))
	uniform := true
	for k, name := range s.speakers {
		ws[k] = 1
		if v, ok := w[name]; ok {
			ws[k] = v
		}
		uniform = uniform && ws[k] == ws[0]
	}
	if uniform {
		s.cum, s.logw = nil, nil
		return nil
	}
	s.cum, s.logw = make([]float64, len(ws)), make([]float64, len(ws))
	total := 0.0
	for k, v := range ws {
		total += v
		s.cum[k], s.logw[k] = total, 1/v
	}
	return nil
}

// class draws a class index: uniform, or by the weights of SetWeights.
func (s *Sampler) class(r *rand.Rand) int {
	if s.cum == nil {
		return r.IntN(len(s.utts))
	}
	x := r.Float64() * s.cum[len(s.cum)-1]
	return min(sort.SearchFloat64s(s.cum, x), len(s.cum)-1)
}

// Speakers is the label order: the training speakers, or the label map's
// classes.
func (s *Sampler) Speakers() []string { return s.speakers }

// rngFor is the batch RNG of step: PCG seeded with (seed, step).
func (s *Sampler) rngFor(step int64) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed, uint64(step)))
}

// Make fills b (reusing its buffers) with the batch of step.
func (s *Sampler) Make(step int64, b *Batch) {
	nm := s.src.NMels()
	b.Step, b.Size = step, s.batch
	if s.rowsOnly {
		b.X = b.X[:0]
	} else {
		b.X = grow(b.X, s.batch*s.seg*nm)
	}
	b.Rows = grow(b.Rows, s.batch)
	b.Labels = b.Labels[:0]
	b.Teacher, b.TeacherMask = b.Teacher[:0], b.TeacherMask[:0]
	if s.teacher != nil {
		b.Teacher, b.TeacherMask = grow(b.Teacher, s.batch*s.teacher.Dim), grow(b.TeacherMask, s.batch)
	}
	r := s.rngFor(step)
	if s.pk > 0 {
		s.makePK(r, b)
		return
	}
	if !s.balanced {
		// Speakers first, then one of their utterances, then a crop: the ZHAW
		// batch_generator_divergence_optimised order (equal to their plain
		// generator when every speaker has as many utterances).
		for j := 0; j < s.batch; j++ {
			s.crop(r, s.class(r), b, j)
		}
		b.PairI, b.PairJ, b.PairSame = b.PairI[:0], b.PairJ[:0], b.PairSame[:0]
		return
	}
	s.makePairs(r, b)
}

// makePairs fills segments 2p, 2p+1 as pair p: same speaker for even p,
// different speakers for odd p (the original Keras code's explicit pairs).
func (s *Sampler) makePairs(r *rand.Rand, b *Batch) {
	b.PairI, b.PairJ, b.PairSame = b.PairI[:0], b.PairJ[:0], b.PairSame[:0]
	for p := 0; 2*p+1 < s.batch; p++ {
		a := r.IntN(len(s.utts))
		c, same := a, float32(1)
		if p%2 == 1 {
			c = (a + 1 + r.IntN(len(s.utts)-1)) % len(s.utts)
			same = 0
		}
		s.crop(r, a, b, 2*p)
		s.crop(r, c, b, 2*p+1)
		b.PairI = append(b.PairI, int32(2*p))
		b.PairJ = append(b.PairJ, int32(2*p+1))
		b.PairSame = append(b.PairSame, same)
	}
	if s.batch%2 == 1 {
		s.crop(r, r.IntN(len(s.utts)), b, s.batch-1)
	}
}

// makePK fills the batch with K = s.pk random crops of each of P = batch/K
// speakers drawn without replacement (while there are enough; then again
// from all), speaker blocks in draw order: the P x K ("PK") batches of
// metric learning (Hermans et al. 2017). A batch of 100 from 170 speakers
// drawn at random holds ~29 same-speaker pairs of 4950; P=25, K=4 holds 150.
// A last block shorter than K takes the remaining segments.
func (s *Sampler) makePK(r *rand.Rand, b *Batch) {
	b.PairI, b.PairJ, b.PairSame = b.PairI[:0], b.PairJ[:0], b.PairSame[:0]
	n := len(s.utts)
	perm := make([]int, n) // Make runs on several prefetch goroutines: no shared scratch
	for i := range perm {
		perm[i] = i
	}
	next := 0
	for j := 0; j < s.batch; {
		if next == n {
			next = 0
		}
		if s.logw == nil {
			// partial Fisher-Yates: perm[next] becomes a speaker not yet drawn
			k := next + r.IntN(n-next)
			perm[next], perm[k] = perm[k], perm[next]
		} else if next == 0 {
			s.weightedOrder(r, perm) // a weighted order of all classes, again when all were drawn
		}
		spk := perm[next]
		next++
		for c := 0; c < s.pk && j < s.batch; c++ {
			s.crop(r, spk, b, j)
			j++
		}
	}
}

// weightedOrder sorts perm into a weighted draw without replacement: class k
// by descending u_k^(1/w_k), compared as log(u_k)/w_k.
func (s *Sampler) weightedOrder(r *rand.Rand, perm []int) {
	key := make([]float64, len(perm))
	for k := range key {
		key[k] = math.Log(1-r.Float64()) * s.logw[k] // 1-u in (0, 1]: no log(0)
	}
	sort.Slice(perm, func(a, b int) bool {
		if key[perm[a]] != key[perm[b]] {
			return key[perm[a]] > key[perm[b]]
		}
		return perm[a] < perm[b]
	})
}

// crop writes a random crop of a random utterance of speaker k as segment j
// (unless rowsOnly) and its first row in the store as b.Rows[j].
func (s *Sampler) crop(r *rand.Rand, k int, b *Batch, j int) {
	us := s.utts[k]
	u := us[r.IntN(len(us))]
	start := r.IntN(int(u.Rows) - s.seg + 1)
	if !s.rowsOnly {
		n := s.seg * s.src.NMels()
		s.src.Crop(b.X[j*n:(j+1)*n], u, start, s.seg)
	}
	b.Rows[j] = u.First + int64(start)
	b.Labels = append(b.Labels, int32(k))
	if t := s.teacher; t != nil {
		dst := b.Teacher[j*t.Dim : (j+1)*t.Dim]
		b.TeacherMask[j] = 0
		clear(dst)
		if row := t.Row(u.ID); row != nil {
			copy(dst, row)
			b.TeacherMask[j] = 1
		}
	}
}

// grow returns x resized to n, reallocated when its capacity is short.
func grow[T any](x []T, n int) []T {
	if cap(x) < n {
		return make([]T, n)
	}
	return x[:n]
}
