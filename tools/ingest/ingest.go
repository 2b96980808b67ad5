package ingest

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Options configure Run.
type Options struct {
	Feature feature.Config // features to compute; must be valid (Config.Validate)
	Workers int            // decoding and feature goroutines; <= 0: one per core (ordered.Workers)
	Strict  bool           // fail on the first unreadable or too-short file instead of skipping it
	Restart bool           // discard a partial store and replace a complete one (store.Options.Restart)
	Float16 bool           // store frames as float16
	Warn    io.Writer      // progress bar, resume note and skipped files; nil discards them
}

// Summary describes the committed store.
type Summary struct {
	Speakers   int               `json:"speakers"`
	Utterances int               `json:"utterances"`
	Resumed    int               `json:"resumed"` // utterances taken over from a partial store
	Frames     int64             `json:"frames"`
	Hours      float64           `json:"hours"`   // audio duration of all utterances
	NMels      int               `json:"-"`       // feature dimension
	NewHours   float64           `json:"-"`       // audio duration featurised by this run (Hours less the resumed)
	Skipped    []dataset.Skipped `json:"skipped"` // sorted by source; never nil
}

// Run featurises items into the store dir (store.Create with opts) and
// commits it. Errors: store.ErrExists (wrapped) for a complete store
// without Restart; with Strict the first bad file, wrapping
// errs.ErrBadData; ctx.Err() when ctx ends, leaving "<dir>.partial" to
// resume.
func Run(ctx context.Context, items []dataset.Item, dir string, opts Options) (*Summary, error) {
	warn := opts.Warn
	if warn == nil {
		warn = io.Discard
	}
	ext, err := feature.NewExtractor(opts.Feature)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	sw, err := store.Create(dir, store.Options{NMels: ext.NMels(), Float16: opts.Float16,
		Restart: opts.Restart, FeatureConfig: ext.Config()})
	if err != nil {
		return nil, err
	}
	defer sw.Close() // keeps <dir>.partial for a resume unless committed
	sum := &Summary{Resumed: len(sw.Resumed()), Skipped: []dataset.Skipped{}}
	todo := pending(sw, items)
	if sum.Resumed > 0 {
		fmt.Fprintf(warn, "features: resuming %s.partial: %d utterances done, %d to go\n", dir, sum.Resumed, len(todo))
	}
	bar := progress.New(warn, int64(len(todo)), "features")
	err = featurise(ctx, todo, ext, opts.Feature.SampleRate, opts.Workers, func(r featResult) error {
		bar.Add(1)
		return add(sw, r, opts.Strict, sum, warn)
	})
	bar.Finish()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(warn, "features: interrupted; run the same command again to resume %s.partial\n", dir)
		}
		return nil, err
	}
	if err := sw.Commit(); err != nil {
		return nil, err
	}
	return sum, sum.totals(dir)
}

// pending registers every item's group and returns the items not yet in
// the (resumed) store.
func pending(sw *store.Writer, items []dataset.Item) []dataset.Item {
	var todo []dataset.Item
	for _, it := range items {
		sw.SetGroup(it.Speaker, it.Group)
		if !sw.Has(it.UttID) && !sw.Done(it.Source()) {
			todo = append(todo, it)
		}
	}
	return todo
}

// add stores one utterance or records why it was skipped.
func add(sw *store.Writer, r featResult, strict bool, sum *Summary, warn io.Writer) error {
	it := r.item
	if r.err == nil && r.n == 0 {
		r.err = tooShort(it.Source(), r.dur)
	}
	if r.err != nil {
		if strict {
			return errs.AsBadData(fmt.Errorf("features: %s: %w", it.Source(), r.err)) // bad input data whatever its own class, as a strict run reports it
		}
		fmt.Fprintf(warn, "features: skipping %s: %v\n", it.Source(), r.err)
		sum.Skipped = append(sum.Skipped, dataset.Skipped{Source: it.Source(), Reason: r.err.Error()})
		return nil
	}
	if err := sw.Add(store.Utterance{ID: it.UttID, Speaker: it.Speaker, Source: it.Source(), Duration: r.dur}, r.frames); err != nil {
		return err
	}
	sum.NewHours += r.dur / 3600
	return nil
}

// totals reads the committed store back for the counts.
func (sum *Summary) totals(dir string) error {
	s, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	sum.Speakers, sum.Utterances, sum.Frames, sum.NMels = len(s.Speakers()), len(s.Utterances()), s.NumFrames(), s.NMels()
	for _, u := range s.Utterances() {
		sum.Hours += u.Duration / 3600
	}
	sort.Slice(sum.Skipped, func(i, j int) bool { return sum.Skipped[i].Source < sum.Skipped[j].Source })
	return nil
}
