package embed

import (
	"testing"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// FuzzCut checks Cut's invariants for any length: every segment is
// segLen x nMels, weights are in (0, 1] and sum to nFrames/segLen for
// utterances of at least one segment, and every frame of the utterance
// appears in some segment.
func FuzzCut(f *testing.F) {
	for _, s := range [][2]uint16{{0, 40}, {39, 40}, {40, 40}, {41, 40}, {121, 40}, {7, 3}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, n, seg uint16) {
		nFrames, segLen := int(n%2000), int(seg%100)+1
		frames := cutFrames(nFrames) // frame t = [t, -t], 2 bins
		segs, w, k := Cut(frames, nFrames, 2, segLen, ShortPad, feature.PartialOverlapLast)
		if len(segs) != k*segLen*2 || len(w) != k {
			t.Fatalf("%d frames seg %d: %d values, %d weights for %d segments", nFrames, segLen, len(segs), len(w), k)
		}
		seen := map[float32]bool{}
		for i := 0; i < len(segs); i += 2 {
			seen[segs[i]] = true
		}
		total := 0.0
		for _, x := range w {
			if x <= 0 || x > 1 {
				t.Fatalf("weight %g outside (0, 1]", x)
			}
			total += float64(x)
		}
		if nFrames >= segLen && (total-float64(nFrames)/float64(segLen) > 1e-4 || float64(nFrames)/float64(segLen)-total > 1e-4) {
			t.Fatalf("%d frames seg %d: weights sum %g", nFrames, segLen, total)
		}
		for tt := 1; tt <= nFrames; tt++ {
			if !seen[float32(tt)] {
				t.Fatalf("%d frames seg %d: frame %d missing", nFrames, segLen, tt)
			}
		}
	})
}
