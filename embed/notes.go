package embed

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/voxsiam/voxsiam/tools/dataset"
)

// Resampled counts the audio inputs of one sample rate that were resampled
// to the model's (Summary.Resampled).
type Resampled struct {
	From      int    `json:"from_hz"`   // the files' own rate
	To        int    `json:"to_hz"`     // the model's rate
	Files     int    `json:"files"`     // how many
	Example   string `json:"example"`   // one of them
	Telephone bool   `json:"telephone"` // From <= 8000: band-limited audio, the upper half of the mel range is empty
}

// resampled collects source.Set.OnResample calls from the loading goroutines.
type resampled struct {
	mu sync.Mutex
	by map[int]*Resampled
}

func (r *resampled) add(source string, rate int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.by == nil {
		r.by = map[int]*Resampled{}
	}
	e := r.by[rate]
	if e == nil {
		e = &Resampled{From: rate, Example: source, Telephone: rate <= 8000}
		r.by[rate] = e
	}
	e.Files++
}

// rates lists the counts by rate, ascending, with To set; never nil.
func (r *resampled) rates(to int) []Resampled {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []Resampled{}
	for _, e := range r.by {
		e.To = to
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out
}

// Note is the line a command prints about r on stderr.
func (r Resampled) Note() string {
	s := fmt.Sprintf("note: %d file(s) at %d Hz resampled to %d Hz (e.g. %s)", r.Files, r.From, r.To, r.Example)
	if r.Telephone {
		s += fmt.Sprintf("; telephone-band audio has nothing above %d Hz, so the model sees only part of its mel range", r.From/2)
	}
	return s
}

// SkippedList formats skipped inputs for an error message: ": a: why; b:
// why" (at most 20 named, then how many more), "" for none.
func SkippedList(skipped []dataset.Skipped) string {
	if len(skipped) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(": ")
	for i, s := range skipped {
		if i == 20 {
			fmt.Fprintf(&b, "; and %d more", len(skipped)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", s.Source, s.Reason)
	}
	return b.String()
}
