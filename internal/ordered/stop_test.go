package ordered

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
)

// TestMapStops: a cancelled ctx or an emit error stops Map: emit is not
// called after it, Map returns the cause, every work call has returned and
// the pool's goroutines are gone.
func TestMapStops(t *testing.T) {
	errStop := errors.New("stop")
	for _, c := range []struct {
		name    string
		stopAt  int  // emit index that stops the run
		byError bool // emit returns errStop (else it cancels ctx)
		want    error
	}{
		{"cancel at first", 0, false, context.Canceled},
		{"cancel midway", 6, false, context.Canceled},
		{"cancel at last", 29, false, context.Canceled},
		{"error at first", 0, true, errStop},
		{"error midway", 6, true, errStop},
		{"error at last", 29, true, errStop},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var active atomic.Int64
			var emitted []int
			err := Map(ctx, 30, 4, func(ctx context.Context, i int) int {
				active.Add(1)
				defer active.Add(-1)
				if i > c.stopAt+1 {
					<-ctx.Done() // only a stop lets these return
				}
				return i
			}, func(i, _ int) error {
				emitted = append(emitted, i)
				if i < c.stopAt {
					return nil
				}
				if c.byError {
					return errStop
				}
				cancel()
				return nil
			})
			if !errors.Is(err, c.want) {
				t.Errorf("Map returned %v, want %v", err, c.want)
			}
			if len(emitted) != c.stopAt+1 || emitted[len(emitted)-1] != c.stopAt {
				t.Errorf("emitted %v, want 0..%d", emitted, c.stopAt)
			}
			if a := active.Load(); a != 0 {
				t.Errorf("%d work calls still running after Map returned", a)
			}
			settled(t, base)
		})
	}
}

// TestMapCancelWhileWaiting: cancelling ctx from outside while emit waits
// for a blocked work call returns ctx.Err() without emitting it.
func TestMapCancelWhileWaiting(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	blocked := make(chan struct{})
	var emits atomic.Int64
	err := Map(ctx, 10, 2, func(ctx context.Context, i int) int {
		if i == 3 {
			close(blocked)
			<-ctx.Done()
		}
		return i
	}, func(i, _ int) error {
		emits.Add(1)
		if i == 2 {
			go func() { <-blocked; cancel() }()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || emits.Load() != 3 {
		t.Errorf("Map returned %v after %d emits, want context.Canceled after 3", err, emits.Load())
	}
	settled(t, base)
}

// TestMapCancelledBefore: a ctx that is already done emits nothing.
func TestMapCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Map(ctx, 5, 2, func(context.Context, int) int { return 0 }, func(int, int) error {
		t.Error("emit called with a cancelled ctx")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map returned %v, want context.Canceled", err)
	}
}
