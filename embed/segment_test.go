package embed

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Frames are numbered 1..nFrames with 2 mel bins each, frame t = [t, -t], so
// the expected segments can be read off by hand.
func cutFrames(n int) []float32 {
	f := make([]float32, 0, 2*n)
	for t := 1; t <= n; t++ {
		f = append(f, float32(t), float32(-t))
	}
	return f
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		name    string
		n       int
		short   string
		partial string
		segs    []float32 // first column (the frame numbers), by hand
		weights []float32
	}{
		{"exact two segments", 6, ShortPad, feature.PartialOverlapLast, []float32{1, 2, 3, 4, 5, 6}, []float32{1, 1}},
		{"partial last overlaps", 7, ShortPad, feature.PartialOverlapLast, []float32{1, 2, 3, 4, 5, 6, 5, 6, 7}, []float32{1, 1, 1.0 / 3}},
		{"partial last padded", 7, ShortPad, feature.PartialPad, []float32{1, 2, 3, 4, 5, 6, 7, 0, 0}, []float32{1, 1, 1.0 / 3}},
		{"partial last dropped", 8, ShortPad, feature.PartialDrop, []float32{1, 2, 3, 4, 5, 6}, []float32{1, 1}},
		{"exact, dropping", 6, ShortPad, feature.PartialDrop, []float32{1, 2, 3, 4, 5, 6}, []float32{1, 1}},
		{"short repeat-padded", 2, ShortPad, feature.PartialDrop, []float32{1, 2, 1}, []float32{1}},
		{"short skipped", 2, ShortSkip, feature.PartialOverlapLast, nil, nil},
		{"empty", 0, ShortPad, feature.PartialOverlapLast, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			segs, w, n := Cut(cutFrames(c.n), c.n, 2, 3, c.short, c.partial)
			var first []float32
			for i := 0; i < len(segs); i += 2 {
				first = append(first, segs[i])
				if segs[i+1] != -segs[i] && segs[i] != 0 {
					t.Fatalf("row %d mixed up: %v", i/2, segs[i:i+2])
				}
			}
			if n*3 != len(first) || !cmp.Equal(first, c.segs, cmpopts.EquateEmpty()) || !cmp.Equal(w, c.weights, cmpopts.EquateEmpty()) {
				t.Errorf("Cut(%d frames) = %v weights %v (n %d), want %v weights %v", c.n, first, w, n, c.segs, c.weights)
			}
		})
	}
}

func TestPool(t *testing.T) {
	emb := []float32{1, 2, 3, 4, 5, 6} // 3 segments of dim 2
	w := []float32{1, 1, 0.5}
	for _, c := range []struct {
		name, method string
		want         []float32 // computed by hand
	}{
		{"mean", spec.PoolMean, []float32{3, 4}},             // (1+3+5)/3, (2+4+6)/3
		{"weighted", spec.PoolWeighted, []float32{2.6, 3.6}}, // (1+3+2.5)/2.5, (2+4+3)/2.5
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Pool(nil, emb, w, 3, 2, c.method)
			if !cmp.Equal(got, c.want, cmpopts.EquateApprox(0, 1e-6)) {
				t.Errorf("Pool %s = %v, want %v", c.method, got, c.want)
			}
		})
	}
}
