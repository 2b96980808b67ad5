package tbevent

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Writer appends events to one event file. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	bw   *bufio.Writer
	path string
	now  func() time.Time
}

// Create makes dir and opens a new event file
// dir/events.out.tfevents.<unix seconds>.<host> starting with the version event.
func Create(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tbevent: %w", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	now := clock()
	path := filepath.Join(dir, fmt.Sprintf("events.out.tfevents.%d.%s", now.Unix(), host))
	// A resumed run started in the same second must not clobber the old file.
	for i := 1; fileExists(path); i++ {
		path = filepath.Join(dir, fmt.Sprintf("events.out.tfevents.%d.%s.%d", now.Unix(), host, i))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("tbevent: %w", err)
	}
	w := &Writer{f: f, bw: bufio.NewWriter(f), path: path, now: clock}
	if err := writeRecord(w.bw, versionEvent(wallTime(now))); err != nil {
		f.Close()
		return nil, fmt.Errorf("tbevent: %s: %w", path, err)
	}
	return w, w.Flush()
}

// clock is the time source of event names and wall times; tests fix it so
// that event files are reproducible.
var clock = time.Now

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func wallTime(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// Path is the event file's path.
func (w *Writer) Path() string { return w.path }

// Scalars writes one event at step holding the scalars, in sorted tag order.
func (w *Writer) Scalars(step int64, scalars map[string]float64) error {
	tags := make([]string, 0, len(scalars))
	for t := range scalars {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	vals := make([][]byte, len(tags))
	for i, t := range tags {
		vals[i] = scalarValue(t, float32(scalars[t]))
	}
	return w.write(step, vals)
}

// Histogram writes a histogram of values (TensorFlow's default buckets) at step.
func (w *Writer) Histogram(step int64, tag string, values []float64) error {
	h := NewHistogram(values)
	return w.write(step, [][]byte{histoValue(tag, h)})
}

func (w *Writer) write(step int64, vals [][]byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := writeRecord(w.bw, summaryEvent(wallTime(w.now()), step, vals)); err != nil {
		return fmt.Errorf("tbevent: %s: %w", w.path, err)
	}
	return nil
}

// SessionStart records that training (re)starts at step, as TensorFlow's
// SessionLog START: TensorBoard then drops the events at steps >= step that
// earlier files logged past the checkpoint a resumed run restarted from, so
// every step is shown once.
func (w *Writer) SessionStart(step int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := writeRecord(w.bw, sessionStartEvent(wallTime(w.now()), step)); err != nil {
		return fmt.Errorf("tbevent: %s: %w", w.path, err)
	}
	return nil
}

// Flush writes buffered events to the file.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("tbevent: %s: %w", w.path, err)
	}
	return nil
}

// Close flushes and closes the file.
func (w *Writer) Close() error {
	ferr := w.Flush()
	if err := w.f.Close(); err != nil && ferr == nil {
		ferr = fmt.Errorf("tbevent: %s: %w", w.path, err)
	}
	return ferr
}

// defaultLimits are TensorFlow's histogram bucket limits
// (core/lib/histogram/histogram.cc): ±1e-12·1.1^k up to 1e20, 0, and DBL_MAX.
var defaultLimits = func() []float64 {
	var pos []float64
	for v := 1e-12; v < 1e20; v *= 1.1 {
		pos = append(pos, v)
	}
	lim := make([]float64, 0, 2*len(pos)+2)
	for i := len(pos) - 1; i >= 0; i-- {
		lim = append(lim, -pos[i])
	}
	lim = append(lim, 0)
	lim = append(lim, pos...)
	return append(lim, math.MaxFloat64)
}()

// NewHistogram summarises values with TensorFlow's default bucket limits,
// keeping the buckets from the first to the last non-empty one.
func NewHistogram(values []float64) *Histogram {
	h := &Histogram{Min: math.Inf(1), Max: math.Inf(-1)}
	counts := make([]float64, len(defaultLimits))
	for _, v := range values {
		h.Min, h.Max = math.Min(h.Min, v), math.Max(h.Max, v)
		h.Num++
		h.Sum += v
		h.SumSquares += v * v
		// TF's Histogram::Add: the bucket of the first limit > v.
		i := sort.Search(len(defaultLimits), func(k int) bool { return v < defaultLimits[k] })
		if i == len(defaultLimits) {
			i--
		}
		counts[i]++
	}
	if h.Num == 0 {
		h.Min, h.Max = 0, 0
		return h
	}
	lo, hi := 0, len(counts)-1
	for counts[lo] == 0 {
		lo++
	}
	for counts[hi] == 0 {
		hi--
	}
	h.Limits = append([]float64(nil), defaultLimits[lo:hi+1]...)
	h.Counts = counts[lo : hi+1]
	return h
}
