// Package progress shows progress of long steps: a progress bar
// (schollz/progressbar) when the writer is a terminal, plain log lines every
// few seconds otherwise (CI logs, pipes), and nothing when quiet.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// Bar reports progress of one step of known (total > 0) or unknown (total <= 0) size.
// It is safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	bar      *progressbar.ProgressBar // nil for plain-line mode
	w        io.Writer
	desc     string
	total    int64
	done     int64
	start    time.Time
	last     time.Time
	every    time.Duration
	finished bool
}

// New starts a bar writing to w. total <= 0 means unknown size. Quiet mode
// (tests, --json) is the caller's w: nil or io.Discard print nothing.
func New(w io.Writer, total int64, desc string) *Bar {
	b := &Bar{w: w, desc: desc, total: total, start: time.Now(), every: 5 * time.Second}
	b.last = b.start
	if w == nil || w == io.Discard {
		b.w = io.Discard
		return b
	}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		b.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return b
}

// Add advances the bar by n units.
func (b *Bar) Add(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if b.bar != nil {
		_ = b.bar.Add64(n)
		return
	}
	if now := time.Now(); now.Sub(b.last) >= b.every {
		b.last = now
		b.line(now)
	}
}

// Describe replaces the bar's description (e.g. "step 1200 loss 0.731").
func (b *Bar) Describe(desc string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.desc = desc
	if b.bar != nil {
		b.bar.Describe(desc)
	}
}

// Finish completes the bar and prints a final line in plain mode.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.bar != nil {
		_ = b.bar.Finish()
		return
	}
	b.line(time.Now())
}

// line prints "desc: done/total (rate/s, ETA)"; caller holds mu.
func (b *Bar) line(now time.Time) {
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(b.done) / el
	}
	if b.total > 0 {
		eta := "?"
		if rate > 0 {
			eta = time.Duration(float64(b.total-b.done) / rate * float64(time.Second)).Round(time.Second).String()
		}
		fmt.Fprintf(b.w, "%s: %d/%d (%.1f/s, ETA %s)\n", b.desc, b.done, b.total, rate, eta)
		return
	}
	fmt.Fprintf(b.w, "%s: %d (%.1f/s)\n", b.desc, b.done, rate)
}
