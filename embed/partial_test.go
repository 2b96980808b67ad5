package embed

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestPartialFromModel: the "partial" of the features a model was
// trained with (features.json, carried into voxsiam.json) decides the
// final partial segment of every utterance: with "drop" a 100-frame
// utterance gives 2 segments of 40 frames, with "pad" 3, the last
// zero-padded; the pooled rows match the training graph on the same
// segments (Cut with that policy) to 1e-5.
func TestPartialFromModel(t *testing.T) {
	for _, c := range []struct {
		partial string
		segs    int
	}{{feature.PartialDrop, 2}, {feature.PartialPad, 3}, {feature.PartialOverlapLast, 3}} {
		t.Run(c.partial, func(t *testing.T) {
			run := modeltest.NewRun(t, rtSpec)
			f := run.Features
			f.Partial = c.partial
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(run.Dir, feature.FileName), b, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := LoadModel(run.Export(t, ""), Options{IntraOp: 2, InterOp: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Partial() != c.partial {
				t.Fatalf("Model.Partial() = %q, want %q", m.Partial(), c.partial)
			}
			fr := rtFrames(rand.New(rand.NewSource(4)), 100)
			in := []Input{{ID: "u", Source: "mem-u", Load: func(context.Context) ([]float32, int, float64, error) { return fr, 100, 1, nil }}}
			res, err := Extract(context.Background(), m, in, ExtractOptions{Pooling: spec.PoolWeighted, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			segs, w, k := Cut(fr, 100, 128, 40, ShortPad, c.partial)
			want := Pool(nil, run.Embed(t, segs, k), w, k, 10, spec.PoolWeighted)
			if res.Segments != c.segs || k != c.segs || rtMaxDiff(res.Emb, want) > 1e-5 {
				t.Errorf("%d segments (Cut %d), want %d; max abs diff to the training graph %g", res.Segments, k, c.segs, rtMaxDiff(res.Emb, want))
			}
		})
	}
}
