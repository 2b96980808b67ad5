package train

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/voxsiam/voxsiam/tools/store"
)

// fakeSource holds utterances whose frame (row r, mel m) is 1000*r + m in
// global row numbering, so every crop tells where it came from.
type fakeSource struct {
	utts  []store.Utterance
	nMels int
}

func newFakeSource(nMels int, spec map[string][]int64) *fakeSource {
	f := &fakeSource{nMels: nMels}
	var first int64
	for _, sp := range sortedKeys(spec) {
		for i, rows := range spec[sp] {
			id := sp + "-" + string(rune('a'+i))
			f.utts = append(f.utts, store.Utterance{ID: id, Speaker: sp, First: first, Rows: rows})
			first += rows
		}
	}
	return f
}

func sortedKeys(m map[string][]int64) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func (f *fakeSource) Utterances() []store.Utterance { return f.utts }
func (f *fakeSource) NMels() int                    { return f.nMels }
func (f *fakeSource) Crop(dst []float32, u store.Utterance, start, n int) []float32 {
	if start < 0 || int64(start+n) > u.Rows {
		panic("fake: crop out of range")
	}
	dst = dst[:n*f.nMels]
	for r := 0; r < n; r++ {
		for m := 0; m < f.nMels; m++ {
			dst[r*f.nMels+m] = float32(1000*(u.First+int64(start+r)) + int64(m))
		}
	}
	return dst
}

// owner finds the utterance holding global row r.
func (f *fakeSource) owner(r int64) store.Utterance {
	for _, u := range f.utts {
		if r >= u.First && r < u.First+u.Rows {
			return u
		}
	}
	panic("no owner")
}

func testOptions(batch int, sampling string) Options {
	o := DefaultConfig().Train
	o.Batch, o.Segment, o.Seed, o.Sampling = batch, 5, 7, sampling
	return o
}

// checkSegments verifies every segment is a contiguous crop of one utterance
// of the speaker its label names, starting at the store row b.Rows names.
func checkSegments(t *testing.T, f *fakeSource, s *Sampler, b *Batch) {
	t.Helper()
	n := 5 * f.nMels
	if len(b.Rows) != b.Size {
		t.Fatalf("%d rows for %d segments", len(b.Rows), b.Size)
	}
	for j := 0; j < b.Size; j++ {
		seg := b.X[j*n : (j+1)*n]
		r0 := int64(seg[0]) / 1000
		if b.Rows[j] != r0 {
			t.Fatalf("segment %d: Rows says row %d, its frames are rows %d..", j, b.Rows[j], r0)
		}
		u := f.owner(r0)
		if u.Speaker != s.Speakers()[b.Labels[j]] {
			t.Fatalf("segment %d from %s labelled %s", j, u.Speaker, s.Speakers()[b.Labels[j]])
		}
		if r0+5 > u.First+u.Rows {
			t.Fatalf("segment %d runs past utterance %s", j, u.ID)
		}
		for r := 0; r < 5; r++ {
			if want := float32(1000*(r0+int64(r)) + 1); seg[r*f.nMels+1] != want {
				t.Fatalf("segment %d row %d = %v, want %v", j, r, seg[r*f.nMels+1], want)
			}
		}
	}
}

func TestSamplerRandom(t *testing.T) {
	// speaker "a" has 1 utterance, "b" 9, "c" one too short to crop plus one long
	f := newFakeSource(3, map[string][]int64{"a": {50}, "b": {6, 6, 6, 6, 6, 6, 6, 6, 6}, "c": {4, 30}})
	s, err := NewSampler(f, []string{"a", "b", "c"}, testOptions(100, "random"))
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2, b3 Batch
	s.Make(12, &b1)
	s.Make(12, &b2)
	s.Make(13, &b3)
	if !cmp.Equal(b1, b2) {
		t.Fatal("same (seed, step) gave different batches")
	}
	if cmp.Equal(b1.X, b3.X) {
		t.Fatal("steps 12 and 13 gave the same batch")
	}
	checkSegments(t, f, s, &b1)
	// Speakers are drawn first: each of the 3 has probability 1/3 whatever its
	// utterance count. Over 200 batches (20000 draws) the count of each is
	// Binomial(20000, 1/3): sd 66.7; allow 5 sd.
	counts := make([]float64, 3)
	var b Batch
	for step := int64(0); step < 200; step++ {
		s.Make(step, &b)
		for _, l := range b.Labels {
			counts[l]++
		}
	}
	for k, c := range counts {
		if math.Abs(c-20000.0/3) > 5*66.7 {
			t.Errorf("speaker %d drawn %v times of 20000, want ~6667", k, c)
		}
	}
}

func TestSamplerBalanced(t *testing.T) {
	f := newFakeSource(2, map[string][]int64{"a": {20}, "b": {20, 9}, "c": {12}, "d": {40}})
	s, err := NewSampler(f, []string{"a", "b", "c", "d"}, testOptions(11, "balanced"))
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	for step := int64(0); step < 50; step++ {
		s.Make(step, &b)
		checkSegments(t, f, s, &b)
		if len(b.PairI) != 5 || len(b.Labels) != 11 {
			t.Fatalf("pairs %d labels %d, want 5 and 11", len(b.PairI), len(b.Labels))
		}
		for p := range b.PairI {
			same := b.Labels[b.PairI[p]] == b.Labels[b.PairJ[p]]
			if same != (b.PairSame[p] == 1) || same != (p%2 == 0) {
				t.Fatalf("step %d pair %d: same=%v flag=%v", step, p, same, b.PairSame[p])
			}
		}
	}
}

// TestSamplerRows: in every sampling mode (random, balanced pairs, P x K,
// weighted random and weighted P x K) Batch.Rows names the store row each
// segment's frames start at (checkSegments), also for batches made into a
// reused Batch of another size.
func TestSamplerRows(t *testing.T) {
	f := newFakeSource(3, map[string][]int64{"a": {50}, "b": {6, 7, 8}, "c": {4, 30}, "d": {12, 9}})
	speakers := []string{"a", "b", "c", "d"}
	var b Batch
	for _, c := range []struct {
		sampling string
		batch    int
		weights  map[string]float64
	}{
		{"random", 9, nil}, {"balanced", 11, nil}, {"pk", 10, nil},
		{"random", 7, map[string]float64{"b": 5, "d": 0.5}}, {"pk", 12, map[string]float64{"a": 3}},
	} {
		o := testOptions(c.batch, c.sampling)
		o.PerSpeaker = 3
		s, err := NewSampler(f, speakers, o)
		if err != nil {
			t.Fatal(err)
		}
		if c.weights != nil {
			if err := s.SetWeights(c.weights, "w.tsv"); err != nil {
				t.Fatal(err)
			}
		}
		for step := int64(0); step < 20; step++ {
			s.Make(step, &b)
			checkSegments(t, f, s, &b)
		}
	}
}

func TestSamplerErrors(t *testing.T) {
	f := newFakeSource(2, map[string][]int64{"a": {20}, "b": {3}})
	if _, err := NewSampler(f, []string{"a", "b"}, testOptions(4, "random")); err == nil {
		t.Error("speaker b has no 5-frame utterance: want error")
	}
	if _, err := NewSampler(f, []string{"a"}, testOptions(4, "balanced")); err == nil {
		t.Error("balanced with one speaker: want error")
	}
}

func TestPrefetchOrder(t *testing.T) {
	f := newFakeSource(2, map[string][]int64{"a": {20}, "b": {30}})
	s, err := NewSampler(f, []string{"a", "b"}, testOptions(8, "random"))
	if err != nil {
		t.Fatal(err)
	}
	step := int64(5)
	for got := range s.Prefetch(context.Background(), 5, 25, 4) {
		var want Batch
		s.Make(step, &want)
		if got.Step != step || !cmp.Equal(got.X, want.X) {
			t.Fatalf("prefetched batch %d differs from Make(%d)", got.Step, step)
		}
		step++
	}
	if step != 25 {
		t.Fatalf("stream ended at %d, want 25", step)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := s.Prefetch(ctx, 0, 1<<40, 2)
	<-ch
	cancel()
	for range ch { // must close after cancel
	}
}

// slowSource is a fakeSource whose Crop takes a millisecond and counts the
// calls in progress and made.
type slowSource struct {
	*fakeSource
	active, calls atomic.Int64
}

func (f *slowSource) Crop(dst []float32, u store.Utterance, start, n int) []float32 {
	f.active.Add(1)
	defer f.active.Add(-1)
	f.calls.Add(1)
	time.Sleep(time.Millisecond)
	return f.fakeSource.Crop(dst, u, start, n)
}

// TestPrefetchDrainWaitsForWorkers: once a cancelled Prefetch's channel is
// drained, no worker is still reading the source or starts to (the
// training loop closes the store right after; a worker left running read
// an unmapped store and crashed the process).
func TestPrefetchDrainWaitsForWorkers(t *testing.T) {
	f := &slowSource{fakeSource: newFakeSource(2, map[string][]int64{"a": {20}, "b": {30}})}
	s, err := NewSampler(f, []string{"a", "b"}, testOptions(8, "random"))
	if err != nil {
		t.Fatal(err)
	}
	for try := 0; try < 20; try++ {
		ctx, cancel := context.WithCancel(context.Background())
		ch := s.Prefetch(ctx, 0, 1<<40, 4)
		<-ch
		cancel()
		for range ch {
		}
		if a := f.active.Load(); a != 0 {
			t.Fatalf("try %d: %d Crop calls still running after the drain", try, a)
		}
		n := f.calls.Load()
		time.Sleep(5 * time.Millisecond)
		if m := f.calls.Load(); m != n {
			t.Fatalf("try %d: %d Crop calls started after the drain", try, m-n)
		}
	}
}

func TestSplitSpeakers(t *testing.T) {
	groups := map[string]string{}
	for i := 0; i < 20; i++ {
		g := string(rune('A' + i))
		groups[g+"1"], groups[g+"2"] = g, g
	}
	tr, va := SplitSpeakers(groups, 0.1, 3)
	if len(va) != 4 || len(tr) != 36 {
		t.Fatalf("split %d/%d, want 36/4 (2 of 20 groups, 2 speakers each)", len(tr), len(va))
	}
	for _, v := range va {
		for _, x := range tr {
			if groups[v] == groups[x] {
				t.Fatalf("group %s on both sides", groups[v])
			}
		}
	}
	tr2, va2 := SplitSpeakers(groups, 0.1, 3)
	if !cmp.Equal(tr, tr2) || !cmp.Equal(va, va2) {
		t.Fatal("split not deterministic")
	}
}

// BenchmarkSamplerMake: one reference-size batch (100 x 40 x 128) from an
// in-memory source; compare with the TF step time to check that Prefetch
// keeps ahead. go test -bench SamplerMake -benchtime=20x ./train/
func BenchmarkSamplerMake(b *testing.B) {
	spec := map[string][]int64{}
	for s := 0; s < 50; s++ {
		spec[string(rune('A'+s))] = []int64{300, 400, 500}
	}
	f := newFakeSource(128, spec)
	o := testOptions(100, "random")
	o.Segment = 40
	s, err := NewSampler(f, sortedKeys(spec), o)
	if err != nil {
		b.Fatal(err)
	}
	var bt Batch
	for i := 0; i < b.N; i++ {
		s.Make(int64(i), &bt)
	}
}

// TestPKSampling checks the P x K batch: blocks of K segments of one speaker,
// P distinct speakers while there are enough, deterministic per (seed, step).
func TestPKSampling(t *testing.T) {
	src, speakers := pkTestSource(t, 30)
	for _, tc := range []struct {
		name        string
		batch, k    int
		distinctMax int
	}{
		{"25x4 from 30", 100, 4, 25},
		{"more blocks than speakers", 100, 2, 30},
		{"ragged last block", 10, 4, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Batch: tc.batch, Segment: 5, Seed: 7, Sampling: "pk", PerSpeaker: tc.k}
			s, err := NewSampler(src, speakers, o)
			if err != nil {
				t.Fatal(err)
			}
			var b1, b2 Batch
			s.Make(3, &b1)
			s.Make(3, &b2)
			if len(b1.Labels) != tc.batch {
				t.Fatalf("labels %d, want %d", len(b1.Labels), tc.batch)
			}
			seen := map[int32]bool{}
			for j := 0; j < tc.batch; j += tc.k {
				for c := j; c < min(j+tc.k, tc.batch); c++ {
					if b1.Labels[c] != b1.Labels[j] {
						t.Fatalf("segment %d has speaker %d inside the block of %d", c, b1.Labels[c], b1.Labels[j])
					}
				}
				seen[b1.Labels[j]] = true
			}
			if want := min(tc.distinctMax, (tc.batch+tc.k-1)/tc.k); len(seen) != want {
				t.Errorf("%d distinct speakers, want %d", len(seen), want)
			}
			for i := range b1.X {
				if b1.X[i] != b2.X[i] || (i < len(b1.Labels) && b1.Labels[i] != b2.Labels[i]) {
					t.Fatal("same (seed, step) gave another batch")
				}
			}
		})
	}
}

func pkTestSource(t *testing.T, n int) (*fakeSource, []string) {
	t.Helper()
	spec := map[string][]int64{}
	var speakers []string
	for i := 0; i < n; i++ {
		sp := fmt.Sprintf("s%02d", i)
		spec[sp] = []int64{20, 9}
		speakers = append(speakers, sp)
	}
	return newFakeSource(4, spec), speakers
}
