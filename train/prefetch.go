package train

import (
	"context"
	"runtime"
)

// Prefetch prepares the batches of steps [from, to) (Make, then the
// SpecAugment masks when enabled) ahead of the consumer on worker
// goroutines and delivers them in step order on the returned channel, at
// most depth ahead. The channel closes after step to-1, or, when ctx ends,
// once every worker started has finished: a consumer that stops early
// cancels ctx and drains the channel, and no worker reads the store after
// that (the store is closed next).
func (s *Sampler) Prefetch(ctx context.Context, from, to int64, depth int) <-chan *Batch {
	depth = max(depth, 1)
	slots := make(chan chan *Batch, depth)
	out := make(chan *Batch)
	workers := make(chan struct{}, max(1, min(depth, runtime.GOMAXPROCS(0))))
	go func() {
		defer close(slots)
		for step := from; step < to && ctx.Err() == nil; step++ {
			c := make(chan *Batch, 1)
			select {
			case slots <- c:
			case <-ctx.Done():
				return
			}
			workers <- struct{}{}
			go func(step int64) {
				defer func() { <-workers }()
				b := new(Batch)
				s.Make(step, b)
				s.spec.Apply(b, s.seed, s.seg, s.src.NMels())
				c <- b
			}(step)
		}
	}()
	go func() {
		defer close(out)
		for c := range slots {
			b := <-c
			select {
			case out <- b:
			case <-ctx.Done():
				for c := range slots { // wait for the workers still running
					<-c
				}
				return
			}
		}
	}()
	return out
}
