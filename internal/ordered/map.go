package ordered

import (
	"context"
	"runtime"
	"sync"
)

// Workers is the one default rule of every worker count in voxsiam (the
// --workers flags, Workers option fields): n when positive, else one per
// core (runtime.GOMAXPROCS).
func Workers(n int) int {
	if n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// Map calls work(ctx, i) for i in [0, n) on workers goroutines (<= 0: one
// per core, Workers) and emit(i, v) with each result on the calling goroutine, strictly in
// order i = 0, 1, ..., n-1. At most 2*workers items are in flight (started
// and not yet emitted), so memory stays bounded however far work runs
// ahead of a slow emit.
//
// Map stops at emit's first error, which it returns, or when ctx ends: emit
// is not called again once ctx is done, and Map then returns ctx.Err(). It
// also returns ctx.Err() when ctx ended after the last emit. The ctx given
// to work is cancelled when Map stops early, and Map returns only after
// every work call has returned: no goroutine outlives it.
func Map[T any](ctx context.Context, n, workers int, work func(ctx context.Context, i int) T, emit func(i int, v T) error) error {
	workers = Workers(workers)
	window := 2 * workers
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	defer cancel()
	tokens := make(chan struct{}, window) // one per item in flight
	jobs := make(chan int)
	// slots[i%window] carries item i: item i+window is started only after
	// item i was emitted, so one buffered value per slot never blocks.
	slots := make([]chan T, window)
	for k := range slots {
		slots[k] = make(chan T, 1)
	}
	wg.Add(1 + workers)
	go dispatch(wctx, n, tokens, jobs, &wg)
	for range workers {
		go func() {
			defer wg.Done()
			for i := range jobs {
				slots[i%window] <- work(wctx, i)
			}
		}()
	}
	return collect(ctx, n, slots, tokens, emit)
}

// dispatch hands out 0..n-1, taking a window token for each, until done.
func dispatch(ctx context.Context, n int, tokens chan<- struct{}, jobs chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	defer close(jobs)
	for i := range n {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			return
		}
	}
}

// collect emits the results in order, returning a token after each.
func collect[T any](ctx context.Context, n int, slots []chan T, tokens <-chan struct{}, emit func(int, T) error) error {
	for i := range n {
		var v T
		select {
		case v = <-slots[i%len(slots)]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := emit(i, v); err != nil {
			return err
		}
		<-tokens
	}
	return ctx.Err()
}
