package feature

import (
	"context"
	"sync"

	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// ComputeFiles loads each of paths (audio.LoadAt cfg.SampleRate, so any
// rate is resampled) and featurises it with cfg on workers goroutines
// (<= 0 means 1), calling fn(i, frames, nFrames, err) on the calling
// goroutine in the order of paths, so a store writer can stream a corpus.
// frames is row-major [nFrames, NMels] float32 and belongs to fn; err is
// the file's load error (wrapping errs.ErrBadData for bad audio), with nil
// frames. At most 2*workers files are held at once (internal/ordered.Map).
// It returns cfg's validation error, or ctx.Err() when ctx is cancelled
// (fn is then not called for the remaining files).
func ComputeFiles(ctx context.Context, paths []string, cfg Config, workers int, fn func(i int, frames []float32, n int, err error)) error {
	proto, err := NewExtractor(cfg)
	if err != nil {
		return err
	}
	type result struct {
		frames []float32
		n      int
		err    error
	}
	clones := sync.Pool{New: func() any { return proto.Clone() }} // one per busy worker
	return ordered.Map(ctx, len(paths), workers, func(_ context.Context, i int) result {
		x, err := audio.LoadAt(paths[i], cfg.SampleRate)
		if err != nil {
			return result{err: err}
		}
		e := clones.Get().(*Extractor)
		defer clones.Put(e)
		var r result
		r.frames, r.n = e.Compute(nil, x)
		return r
	}, func(i int, r result) error {
		fn(i, r.frames, r.n, r.err)
		return nil
	})
}
