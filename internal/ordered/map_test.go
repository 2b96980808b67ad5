package ordered

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// settled fails t unless the goroutine count comes back to at most base
// (polled for a while: the runtime's own goroutines may lag).
func settled(t *testing.T, base int) {
	t.Helper()
	for k := 0; k < 200 && runtime.NumGoroutine() > base; k++ {
		time.Sleep(5 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > base {
		t.Errorf("%d goroutines after Map, %d before: leak", g, base)
	}
}

// jitter yields or sleeps a little, so that work items finish out of order.
func jitter(r *rand.Rand) {
	if d := r.IntN(3); d > 0 {
		time.Sleep(time.Duration(d) * 100 * time.Microsecond)
	} else {
		runtime.Gosched()
	}
}

// TestMapOrderAndWindow: whatever order work finishes in, emit sees every
// index once and in order with work's value for it; no more than workers
// work calls run at once and no more than 2*workers items are in flight.
// The expected values are the inputs themselves (work returns i*i).
func TestMapOrderAndWindow(t *testing.T) {
	for _, c := range []struct{ n, workers int }{{0, 3}, {1, 1}, {7, 0}, {50, 1}, {50, 3}, {200, 8}} {
		t.Run(fmt.Sprintf("n%d_w%d", c.n, c.workers), func(t *testing.T) {
			base := runtime.NumGoroutine()
			var running, inFlight, maxRunning, maxInFlight atomic.Int64
			raise := func(m *atomic.Int64, v int64) {
				for o := m.Load(); v > o && !m.CompareAndSwap(o, v); o = m.Load() {
				}
			}
			work := func(_ context.Context, i int) int {
				raise(&maxInFlight, inFlight.Add(1))
				raise(&maxRunning, running.Add(1))
				jitter(rand.New(rand.NewPCG(uint64(i), uint64(c.n))))
				running.Add(-1)
				return i * i
			}
			var got []int
			err := Map(context.Background(), c.n, c.workers, work, func(i, v int) error {
				if v != i*i {
					t.Errorf("emit(%d, %d): value of another item", i, v)
				}
				got = append(got, i)
				inFlight.Add(-1)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int, c.n)
			for i := range want {
				want[i] = i
			}
			if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("emit order (-want +got):\n%s", d)
			}
			w := int64(c.workers)
			if w <= 0 { // one per core (Workers)
				w = int64(runtime.GOMAXPROCS(0))
			}
			if maxRunning.Load() > w || maxInFlight.Load() > 2*w {
				t.Errorf("max %d running (limit %d), %d in flight (limit %d)", maxRunning.Load(), w, maxInFlight.Load(), 2*w)
			}
			settled(t, base)
		})
	}
}

// TestMapRunsAhead: while emit of item 0 blocks, work goes on until the
// window of 2*workers items is full, and not beyond it.
func TestMapRunsAhead(t *testing.T) {
	const workers = 3
	var started atomic.Int64
	full := make(chan struct{})
	err := Map(context.Background(), 40, workers, func(_ context.Context, i int) int {
		if started.Add(1) == 2*workers {
			close(full)
		}
		return i
	}, func(i, _ int) error {
		if i == 0 {
			<-full // deadlocks (test timeout) if the window were smaller
			if s := started.Load(); s != 2*workers {
				t.Errorf("%d items started while item 0 is not emitted, want %d", s, 2*workers)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
