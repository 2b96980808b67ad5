package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
)

// Row is one logged step: "step" plus named values.
type Row map[string]float64

// Step is the row's step.
func (r Row) Step() int64 { return int64(r["step"]) }

// Log appends rows to a metrics.jsonl file.
type Log struct {
	f    *os.File
	path string
}

// OpenLog opens path for appending, creating it.
func OpenLog(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return &Log{f: f, path: path}, nil
}

// Append writes r as one line (keys sorted, "step" included) and fsyncs.
func (l *Log) Append(r Row) error {
	b, err := json.Marshal(map[string]float64(r))
	if err != nil {
		return fmt.Errorf("metrics: %s: step %d: %w", l.path, r.Step(), err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("metrics: %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("metrics: %s: %w", l.path, err)
	}
	return nil
}

// Close closes the file.
func (l *Log) Close() error { return l.f.Close() }

// Read parses a metrics.jsonl file. A torn last line (a killed writer) is
// ignored; a malformed line elsewhere is an error naming it.
func Read(path string) ([]Row, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	lines := bytes.Split(data, []byte("\n"))
	var rows []Row
	for i, ln := range lines {
		if len(bytes.TrimSpace(ln)) == 0 {
			continue
		}
		var r Row
		if err := json.Unmarshal(ln, &r); err != nil {
			if i == len(lines)-1 {
				break // torn final line
			}
			return nil, fmt.Errorf("metrics: %s line %d: %w", path, i+1, err)
		}
		if _, ok := r["step"]; !ok {
			return nil, fmt.Errorf("metrics: %s line %d: no \"step\"", path, i+1)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// Truncate keeps the rows of path with step <= step (rewritten atomically).
// A missing file is not an error.
func Truncate(path string, step int64) error {
	rows, err := Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		for _, r := range rows {
			if r.Step() <= step {
				b, _ := json.Marshal(map[string]float64(r))
				if _, err := w.Write(append(b, '\n')); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Series extracts the (step, value) points of key, in step order.
func Series(rows []Row, key string) (steps, values []float64) {
	for _, r := range rows {
		if v, ok := r[key]; ok {
			steps = append(steps, r["step"])
			values = append(values, v)
		}
	}
	idx := make([]int, len(steps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return steps[idx[a]] < steps[idx[b]] })
	s2, v2 := make([]float64, len(idx)), make([]float64, len(idx))
	for i, k := range idx {
		s2[i], v2[i] = steps[k], values[k]
	}
	return s2, v2
}
