package embed

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// rtSpec is a small network on the contract's [batch, 40, 128] input.
var rtSpec = modeltest.Spec{Frames: 40, Bins: 128, LSTM1: 6, LSTM2: 5, Speakers: 4, Seed: 3}

func rtMaxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func rtFrames(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n*128)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// TestRoundTrip: segments embedded through the exported SavedModel, and
// utterances through Extract, must match the in-training graph (reference:
// the Train-mode session with dropout off, pooled with Cut/Pool) to 1e-5.
func TestRoundTrip(t *testing.T) {
	run := modeltest.NewRun(t, rtSpec)
	dir := run.Export(t, "")
	m, err := LoadModel(dir, Options{IntraOp: 2, InterOp: 1, Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Frames != 40 || m.Bins != 128 || m.Dim != 10 || m.Meta == nil || m.Meta.EmbeddingLayer != "L3" {
		t.Fatalf("model: frames %d bins %d dim %d meta %+v", m.Frames, m.Bins, m.Dim, m.Meta)
	}
	rng := rand.New(rand.NewSource(2))
	lens := []int{100, 20, 80, 41}
	var inputs []Input
	var want, wantDist []float32
	storeDir := filepath.Join(t.TempDir(), "store")
	sw, err := store.Create(storeDir, store.Options{NMels: 128})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range lens {
		fr := rtFrames(rng, n)
		if err := sw.Add(store.Utterance{ID: string(rune('a' + i)), Speaker: "s", Source: "x.wav", Duration: 1}, fr); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, Input{ID: string(rune('a' + i)), Speaker: "s", Source: "mem-" + string(rune('a'+i)),
			Load: func(context.Context) ([]float32, int, float64, error) { return fr, n, float64(n) / 100, nil }})
		segs, w, k := Cut(fr, n, 128, 40, ShortPad, feature.PartialOverlapLast)
		e := run.Embed(t, segs, k)
		p := run.Distribution(t, segs, k)
		want = append(want, Pool(nil, e, w, k, 10, spec.PoolWeighted)...)
		wantDist = append(wantDist, Pool(nil, p, w, k, 4, spec.PoolWeighted)...)
	}
	res, err := Extract(context.Background(), m, inputs, ExtractOptions{Pooling: spec.PoolWeighted, Distributions: true, Workers: 2, Batch: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 4 || res.Dim != 10 || res.DistDim != 4 || res.Segments != 3+1+2+2 {
		t.Fatalf("result: %d ids dim %d dist %d segments %d", len(res.IDs), res.Dim, res.DistDim, res.Segments)
	}
	de, dd := rtMaxDiff(res.Emb, want), rtMaxDiff(res.Dist, wantDist)
	t.Logf("max abs diff SavedModel vs training graph: embedding %.3g, distribution %.3g", de, dd)
	if de > 1e-5 || dd > 1e-5 {
		t.Errorf("max abs diff embedding %g distribution %g > 1e-5", de, dd)
	}
	// Batches of 2: utterance a's 3 segments span two runs (only full
	// batches run before the last), the rows must not change.
	r2, err := Extract(context.Background(), m, inputs, ExtractOptions{Pooling: spec.PoolWeighted, Distributions: true, Workers: 2, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d, dd := rtMaxDiff(r2.Emb, res.Emb), rtMaxDiff(r2.Dist, res.Dist); len(r2.IDs) != 4 || r2.Segments != 8 || d > 1e-6 || dd > 1e-6 || r2.IDs[0] != "a" || r2.IDs[3] != "d" {
		t.Errorf("batch 2: ids %v segments %d, max abs diff to batch 3: embedding %g distribution %g", r2.IDs, r2.Segments, d, dd)
	}
	// Segment-level rows and skipped short utterances (lengths 100, 20, 80,
	// 41 frames: 3 + 0 + 2 + 2 segments).
	rn, err := Extract(context.Background(), m, inputs, ExtractOptions{Pooling: spec.PoolNone, Short: ShortSkip, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rn.IDs) != 7 || rn.IDs[0] != "a-0000" || rn.IDs[3] != "c-0000" || len(rn.Skipped) != 1 || len(rn.Emb) != 7*10 || len(rn.Padded) != 0 {
		t.Errorf("pooling none, short skip: ids %v skipped %v padded %v", rn.IDs, rn.Skipped, rn.Padded)
	}
	// Padded (ShortPad): only b, the one utterance under 40 frames.
	if len(res.Padded) != 1 || res.Padded[0].Source != "mem-b" || !strings.Contains(res.Padded[0].Reason, "20 frames") {
		t.Errorf("padded %+v, want mem-b's 20 frames", res.Padded)
	}
	// MinDuration 0.5 s skips b (0.2 s) and d (0.41 s) before padding.
	rm, err := Extract(context.Background(), m, inputs, ExtractOptions{MinDuration: 0.5, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rm.IDs) != "[a c]" || len(rm.Skipped) != 2 || rm.Skipped[1].Source != "mem-d" ||
		!strings.Contains(rm.Skipped[0].Reason, "0.200 s of audio, shorter than the minimum duration 0.5 s") || len(rm.Padded) != 0 {
		t.Errorf("min duration 0.5 s: ids %v skipped %+v padded %+v", rm.IDs, rm.Skipped, rm.Padded)
	}
	// The same frames read back from a feature store give the same rows.
	if err := sw.Commit(); err != nil {
		t.Fatal(err)
	}
	fc, _ := m.FeatureConfig()
	in, closeStore, err := Sources([]string{storeDir}, "auto", fc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	rs, err := Extract(context.Background(), m, in, ExtractOptions{Pooling: spec.PoolWeighted, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := rtMaxDiff(rs.Emb, want); d > 1e-5 || len(rs.IDs) != 4 || rs.Utt2Spk["c"] != "s" {
		t.Errorf("from the store: %d rows, max abs diff %g", len(rs.IDs), d)
	}
}
