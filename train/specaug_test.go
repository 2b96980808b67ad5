package train

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// specSampler is a sampler over a fake source whose every cell is distinct.
func specSampler(t *testing.T, spec SpecAugment) *Sampler {
	t.Helper()
	src := newFakeSource(20, map[string][]int64{"a": {90, 60}, "b": {70}, "c": {80, 50}})
	o := DefaultConfig().Train
	o.Batch, o.Segment, o.Seed, o.SpecAugment = 12, 30, 5, spec
	s, err := NewSampler(src, []string{"a", "b", "c"}, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSpecAugmentMasks checks every masked segment against its unmasked
// copy: the changed cells are whole frames (at most TimeMasks bands of at
// most TimeWidth) and whole bins (at most FreqMasks bands of at most
// FreqWidth), all set to the segment's mean; about Prob of the segments
// are masked.
func TestSpecAugmentMasks(t *testing.T) {
	spec := SpecAugment{Enabled: true, Prob: 0.6, TimeMasks: 2, TimeWidth: 5, FreqMasks: 1, FreqWidth: 4}
	s := specSampler(t, spec)
	const frames, bins = 30, 20
	masked, total := 0, 0
	for step := int64(0); step < 100; step++ {
		var clean, b Batch
		s.Make(step, &clean)
		s.Make(step, &b)
		spec.Apply(&b, 5, frames, bins)
		for j := 0; j < b.Size; j++ {
			total++
			x, y := clean.X[j*frames*bins:(j+1)*frames*bins], b.X[j*frames*bins:(j+1)*frames*bins]
			if slices.Equal(x, y) {
				continue
			}
			masked++
			var mean float64
			for _, v := range x {
				mean += float64(v)
			}
			m := float32(mean / float64(len(x)))
			rows, cols := map[int]bool{}, map[int]bool{}
			for k := range y {
				if y[k] != x[k] {
					if y[k] != m {
						t.Fatalf("step %d segment %d cell %d = %g, want the mean %g", step, j, k, y[k], m)
					}
					rows[k/bins], cols[k%bins] = true, true
				}
			}
			// a changed cell lies in a masked frame (all bins changed) or a masked bin (all frames changed)
			fullRows, fullCols := 0, 0
			for r := range frames {
				if !slices.ContainsFunc(y[r*bins:(r+1)*bins], func(v float32) bool { return v != m }) {
					fullRows++
				}
			}
			for c := range bins {
				all := true
				for r := range frames {
					all = all && y[r*bins+c] == m
				}
				if all {
					fullCols++
				}
			}
			if fullRows > spec.TimeMasks*spec.TimeWidth || fullCols > spec.FreqMasks*spec.FreqWidth || fullRows+fullCols == 0 {
				t.Fatalf("step %d segment %d: %d masked frames, %d masked bins", step, j, fullRows, fullCols)
			}
		}
	}
	if f := float64(masked) / float64(total); f < 0.55 || f > 0.65 {
		t.Errorf("%d of %d segments masked (%.3f), want about 0.6", masked, total, f)
	}
}

// TestSpecAugmentDeterministic: Prefetch's batches are Make's with the
// masks of (seed, step); the same step gives the same masks in another
// run (a resume), other steps others; disabled changes nothing.
func TestSpecAugmentDeterministic(t *testing.T) {
	spec := DefaultSpecAugment()
	spec.Enabled = true
	s := specSampler(t, spec)
	var got []*Batch
	for b := range s.Prefetch(context.Background(), 3, 8, 2) {
		got = append(got, b)
	}
	resumed := <-s.Prefetch(context.Background(), 6, 7, 1)
	if d := cmp.Diff(got[3].X, resumed.X); d != "" {
		t.Errorf("step 6 differs between a run and its resume")
	}
	var clean, again Batch
	s.Make(3, &clean)
	s.Make(3, &again)
	spec.Apply(&again, 5, 30, 20)
	if !slices.Equal(again.X, got[0].X) || slices.Equal(clean.X, got[0].X) {
		t.Error("Prefetch's batch of step 3 is not Make's with the masks of (seed 5, step 3)")
	}
	var other Batch
	s.Make(3, &other)
	other.Step = 4
	spec.Apply(&other, 5, 30, 20)
	if slices.Equal(other.X, again.X) {
		t.Error("steps 3 and 4 give the same masks")
	}
	off := specSampler(t, DefaultSpecAugment())
	b := <-off.Prefetch(context.Background(), 3, 4, 1)
	if !slices.Equal(b.X, clean.X) {
		t.Error("disabled SpecAugment changed the batch")
	}
}

// TestSpecAugmentConfig: the [train] keys parse, are written back, and are
// validated.
func TestSpecAugmentConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train.toml")
	os.WriteFile(path, []byte("[train]\nspec_augment = true\nspec_time_width = 6\nspec_freq_masks = 2\n"), 0o644)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSpecAugment()
	want.Enabled, want.TimeWidth, want.FreqMasks = true, 6, 2
	if d := cmp.Diff(want, cfg.Train.SpecAugment); d != "" {
		t.Errorf("parsed (-want +got):\n%s", d)
	}
	out := filepath.Join(t.TempDir(), "config.toml")
	if err := WriteConfig(out, cfg); err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(out)
	if err != nil || back.Train.SpecAugment != cfg.Train.SpecAugment {
		t.Errorf("written and read back: %+v (%v)", back.Train.SpecAugment, err)
	}
	for _, bad := range []SpecAugment{{Prob: 1.5, TimeWidth: 1, FreqWidth: 1}, {Prob: 0.5, TimeWidth: 0, FreqWidth: 1}, {Prob: 0.5, TimeMasks: -1, TimeWidth: 1, FreqWidth: 1}} {
		c := DefaultConfig()
		c.Train.SpecAugment = bad
		if c.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// BenchmarkSpecAugment masks a default-sized batch (100 segments of 40
// frames x 128 bins) with the default masks.
func BenchmarkSpecAugment(b *testing.B) {
	spec := DefaultSpecAugment()
	spec.Enabled = true
	batch := &Batch{Size: 100, X: make([]float32, 100*40*128)}
	for i := range batch.X {
		batch.X[i] = float32(i % 97)
	}
	for i := 0; b.Loop(); i++ {
		batch.Step = int64(i)
		spec.Apply(batch, 1, 40, 128)
	}
}
