package ingest

import (
	"context"
	"sync"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// featResult is one featurised item.
type featResult struct {
	item   dataset.Item
	frames []float32 // [n, n_mels] row-major float32
	n      int
	dur    float64 // seconds of audio
	err    error   // load error (the item is skipped)
}

// featurise loads and featurises items on workers goroutines and calls fn
// for each, in item order, on the calling goroutine; at most 2*workers
// results are in memory (ordered.Map). It stops at fn's first error or
// when ctx ends.
func featurise(ctx context.Context, items []dataset.Item, proto *feature.Extractor, rate, workers int, fn func(featResult) error) error {
	clones := sync.Pool{New: func() any { return proto.Clone() }} // one per busy worker
	return ordered.Map(ctx, len(items), workers, func(ctx context.Context, i int) featResult {
		e := clones.Get().(*feature.Extractor)
		defer clones.Put(e)
		return featureOne(ctx, e, items[i], rate)
	}, func(_ int, r featResult) error { return fn(r) })
}

// featureOne loads one item (resampled to rate Hz) and computes its
// features.
func featureOne(ctx context.Context, e *feature.Extractor, it dataset.Item, rate int) featResult {
	r := featResult{item: it}
	x, err := dataset.Load(ctx, it, rate)
	if err != nil {
		r.err = err
		return r
	}
	r.dur = float64(len(x)) / float64(rate)
	r.frames, r.n = e.Compute(nil, x)
	return r
}

// tooShort is the defect of a file that gives no frame.
func tooShort(source string, dur float64) error {
	return errs.BadData("features: %s: too short for one frame (%.3f s)", source, dur)
}
