package feature

import (
	"context"
	"sync"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// ComputeFiles loads each of paths (audio.LoadAt cfg.SampleRate, so any
// rate is resampled) and featurises it with cfg on workers goroutines
// (<= 0 means 1), calling fn(i, frames, nFrames, err) on the calling
// goroutine in the order of paths, so a store writer can stream a corpus.
// frames is row-major [nFrames, NMels] float32 and belongs to fn; err is
// the file's load error (wrapping errs.ErrBadData for bad audio), with nil
// frames. At most 2*workers files are held at once. It returns cfg's
// validation error, or ctx.Err() when ctx is cancelled (fn is then not
// called for the remaining files).
func ComputeFiles(ctx context.Context, paths []string, cfg Config, workers int, fn func(i int, frames []float32, n int, err error)) error {
	proto, err := NewExtractor(cfg)
	if err != nil {
		return err
	}
	workers = max(workers, 1)
	type result struct {
		i      int
		frames []float32
		n      int
		err    error
	}
	jobs := make(chan int)
	results := make(chan result)
	window := make(chan struct{}, 2*workers) // files dispatched but not yet passed to fn
	go func() {
		defer close(jobs)
		for i := range paths {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		e := proto.Clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := result{i: i}
				var x []float32
				if x, r.err = audio.LoadAt(paths[i], cfg.SampleRate); r.err == nil {
					r.frames, r.n = e.Compute(nil, x)
				}
				results <- r
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	pending := make(map[int]result)
	next := 0
	for r := range results {
		pending[r.i] = r
		for p, ok := pending[next]; ok && ctx.Err() == nil; p, ok = pending[next] {
			fn(p.i, p.frames, p.n, p.err)
			delete(pending, next)
			next++
			<-window
		}
	}
	return ctx.Err()
}
