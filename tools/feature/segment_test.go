package feature

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rows returns nFrames frames of nMels values, frame t filled with t+1.
func rows(nFrames, nMels int) []float32 {
	x := make([]float32, nFrames*nMels)
	for i := range x {
		x[i] = float32(i/nMels + 1)
	}
	return x
}

// firstCol lists the first value of each frame of each segment, which (by
// construction of rows) is the source frame index + 1, or 0 for padding.
func firstCol(segs []float32, nMels int) []float32 {
	var out []float32
	for i := 0; i < len(segs); i += nMels {
		out = append(out, segs[i])
	}
	return out
}

// TestSegments: expected frame lists worked out by hand from the policy
// definitions (10 frames, segments of 4).
func TestSegments(t *testing.T) {
	cases := []struct {
		name    string
		nFrames int
		partial string
		want    []float32
	}{
		{"drop", 10, PartialDrop, []float32{1, 2, 3, 4, 5, 6, 7, 8}},
		{"pad", 10, PartialPad, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0}},
		{"overlap-last", 10, PartialOverlapLast, []float32{1, 2, 3, 4, 5, 6, 7, 8, 7, 8, 9, 10}},
		{"exact multiple", 8, PartialOverlapLast, []float32{1, 2, 3, 4, 5, 6, 7, 8}},
		{"short, drop", 3, PartialDrop, nil},
		{"short, pad", 3, PartialPad, []float32{1, 2, 3, 0}},
		{"short, overlap-last pads", 3, PartialOverlapLast, []float32{1, 2, 3, 0}},
		{"empty", 0, PartialPad, nil},
	}
	const nMels = 3
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			segs, n := Segments(rows(c.nFrames, nMels), c.nFrames, nMels, 4, c.partial)
			if n*4 != len(c.want) {
				t.Errorf("nSegs %d, want %d", n, len(c.want)/4)
			}
			if d := cmp.Diff(c.want, firstCol(segs, nMels)); d != "" {
				t.Errorf("frames (-want +got):\n%s", d)
			}
		})
	}
}

// TestRandomCrop checks that crops are contiguous windows, that every start
// in 0..nFrames-segLen occurs, and that short inputs are zero-padded.
func TestRandomCrop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[int]bool{}
	var dst []float32
	for i := 0; i < 500; i++ {
		var start int
		dst, start = RandomCrop(dst, rows(10, 2), 10, 2, 4, rng)
		seen[start] = true
		want := []float32{float32(start + 1), float32(start + 2), float32(start + 3), float32(start + 4)}
		if d := cmp.Diff(want, firstCol(dst, 2)); d != "" {
			t.Fatalf("crop at %d (-want +got):\n%s", start, d)
		}
	}
	if len(seen) != 7 {
		t.Errorf("starts seen %v, want all of 0..6", seen)
	}
	short, start := RandomCrop(nil, rows(2, 2), 2, 2, 4, rng)
	if d := cmp.Diff([]float32{1, 2, 0, 0}, firstCol(short, 2)); d != "" || start != 0 {
		t.Errorf("short crop start %d (-want +got):\n%s", start, d)
	}
}

// TestNumFrames: frame counts of librosa (center: 1 + n//hop) and Kaldi
// snip_edges (1 + (n - 400)//160), none for empty input; all-zero input is
// not trimmed by VAD, as in librosa.effects.trim (every frame is as loud as
// the loudest).
func TestNumFrames(t *testing.T) {
	lm, _ := NewExtractor(DefaultConfig())
	fb, _ := NewExtractor(FbankConfig())
	vadCfg := DefaultConfig()
	vadCfg.VAD = true
	vad, _ := NewExtractor(vadCfg)
	cases := []struct {
		name string
		e    *Extractor
		n    int
		want int
	}{
		{"logmel 1 s", lm, 16000, 101},
		{"logmel 1 sample", lm, 1, 1},
		{"logmel empty", lm, 0, 0},
		{"fbank 1 s", fb, 16000, 98},
		{"fbank shorter than a window", fb, 399, 0},
		{"vad all zero", vad, 16000, 101},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, n := c.e.Compute(nil, make([]float32, c.n))
			if n != c.want {
				t.Errorf("%d frames, want %d", n, c.want)
			}
		})
	}
}
