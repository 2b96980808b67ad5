package realvoice

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// Options configure Build.
type Options struct {
	Out     string   // corpus directory (created; an existing one is completed)
	Sources []string // source names; default DefaultSources
	// Unpacker fetches and unpacks a package; required (the CLI passes an
	// AptUnpacker with its --cache).
	Unpacker Unpacker
	// Converter turns one recording into 16 kHz mono 16-bit WAV; default Sox{}.
	Converter Converter
	// CommercialOnly refuses sources whose licence forbids commercial use.
	CommercialOnly bool
	Strict         bool      // fail on the first recording that cannot be converted (default: report and skip)
	Workers        int       // conversions run concurrently; <= 0 means 2
	Progress       io.Writer // progress bar; nil for none
	Log            io.Writer // notes about skipped recordings; nil for none
}

// Unpacker makes a Debian package's files available in a directory.
type Unpacker interface {
	Unpack(ctx context.Context, pkg string) (root string, err error)
}

// Converter converts one recording (its bytes, its original name for the
// format) to a 16 kHz mono 16-bit WAV file at out, returning the original
// sample rate.
type Converter interface {
	Convert(ctx context.Context, data []byte, name, out string) (rate int, err error)
	// Probe returns the original sample rate without converting.
	Probe(ctx context.Context, data []byte, name string) (rate int, err error)
}

// Speaker is one speaker of the built corpus.
type Speaker struct {
	ID, Group, Source, Package, Licence, Identity string
	Commercial                                    bool // the licence allows commercial use
	Files                                         int
	Seconds                                       float64
	Rates                                         map[int]int // original sample rate -> files
}

// Result summarises a build.
type Result struct {
	Speakers   []Speaker
	Utterances int
	Seconds    float64
	Duplicates int      // recordings shipped twice, kept once
	Skipped    []string // recordings that could not be converted, with the reason
}

type uttRow struct {
	id, speaker, source string
	seconds             float64
}

// Build assembles the corpus. Recordings already converted by an earlier,
// interrupted run are kept; speakers.tsv and utterances.tsv are rewritten at
// the end.
func Build(ctx context.Context, o Options) (*Result, error) {
	names := o.Sources
	if len(names) == 0 {
		names = DefaultSources
	}
	var srcs []Source
	for _, n := range names {
		s, ok := SourceByName(n)
		if !ok {
			return nil, fmt.Errorf("realvoice: unknown source %q (known: %s)", n, strings.Join(sourceNames(), ", "))
		}
		for _, p := range append([]string{s.Package}, s.More...) {
			if IsReserved(p) {
				return nil, fmt.Errorf("realvoice: package %s is reserved for independent evaluation", p)
			}
		}
		if o.CommercialOnly && s.NonCommercial {
			return nil, fmt.Errorf("realvoice: source %s (%s) is non-commercial and commercial-only was asked", s.Name, s.Licence)
		}
		srcs = append(srcs, s)
	}
	if o.Unpacker == nil {
		return nil, errors.New("realvoice: no Unpacker")
	}
	if o.Converter == nil {
		o.Converter = Sox{}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("realvoice: %w", err)
	}
	b := &builder{o: o, seen: map[[32]byte]bool{}, spk: map[string]*Speaker{}}
	for _, s := range srcs {
		if err := b.source(ctx, s); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

func sourceNames() []string {
	var n []string
	for _, s := range Sources {
		n = append(n, s.Name)
	}
	return n
}

type builder struct {
	o     Options
	seen  map[[32]byte]bool
	spk   map[string]*Speaker
	order []string
	utts  []uttRow
	res   Result
}

func (b *builder) source(ctx context.Context, s Source) error {
	var roots []string
	for _, p := range append([]string{s.Package}, s.More...) {
		root, err := b.o.Unpacker.Unpack(ctx, p)
		if err != nil {
			return fmt.Errorf("realvoice: %s: %w", p, err)
		}
		roots = append(roots, root)
	}
	list := s.ItemsFrom
	if list == nil {
		list = func(r []string) ([]Item, func() error, error) { return s.Items(r[0]) }
	}
	items, closeItems, err := list(roots)
	if err != nil {
		return fmt.Errorf("realvoice: %s: list recordings in %s: %w", s.Package, strings.Join(roots, ", "), err)
	}
	defer closeItems()
	if len(items) == 0 {
		return errs.BadData("realvoice: %s: no recordings found in %s", s.Package, strings.Join(roots, ", "))
	}
	// Every recording is read once here and duplicates are decided in item
	// order (deterministic whatever the number of workers); conversions
	// (sox) then run on the workers and are recorded in item order. The
	// bytes of one source's recordings are held meanwhile (tens of MB for
	// the known packages).
	var todo []pending
	for _, it := range items {
		data, err := readItem(it)
		if err != nil {
			if err := b.skip(where(it), err); err != nil {
				return err
			}
			continue
		}
		h := sha256.Sum256(data)
		if b.seen[h] {
			b.res.Duplicates++
			continue
		}
		b.seen[h] = true
		todo = append(todo, pending{it, data})
	}
	bar := progress.New(b.o.Progress, int64(len(todo)), s.Name)
	defer bar.Finish()
	workers := b.o.Workers
	if workers <= 0 {
		workers = 2
	}
	return ordered.Map(ctx, len(todo), workers, func(ctx context.Context, i int) converted {
		return b.convertItem(ctx, todo[i])
	}, func(i int, c converted) error {
		bar.Add(1)
		return b.record(s, todo[i].Item, c)
	})
}

func where(it Item) string {
	if it.Entry != "" {
		return it.Path + ":" + it.Entry
	}
	return it.Path
}

// pending is a recording to convert, with its bytes.
type pending struct {
	Item
	data []byte
}

// converted is one item after conversion.
type converted struct {
	rate int
	secs float64
	err  error
}

// convertItem converts one recording (on a worker).
func (b *builder) convertItem(ctx context.Context, p pending) converted {
	var c converted
	out := filepath.Join(b.o.Out, p.Speaker, p.Utt+".wav")
	if c.rate, c.err = b.convert(ctx, p.data, where(p.Item), out); c.err == nil {
		c.secs, c.err = wavSeconds(out)
	}
	return c
}

// record adds a converted item to the tables (in item order).
func (b *builder) record(s Source, it Item, c converted) error {
	if c.err != nil {
		return b.skip(where(it), c.err)
	}
	sp := b.speaker(s, it)
	sp.Files++
	sp.Seconds += c.secs
	sp.Rates[c.rate]++
	b.utts = append(b.utts, uttRow{it.Utt, it.Speaker, where(it), c.secs})
	return nil
}

// convert writes out unless an earlier run finished it; the original rate of
// a kept file is read from the source again (cheap: no resampling).
func (b *builder) convert(ctx context.Context, data []byte, where, out string) (int, error) {
	if _, err := os.Stat(out); err == nil {
		return b.o.Converter.Probe(ctx, data, where)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return 0, err
	}
	tmp := out + ".part"
	rate, err := b.o.Converter.Convert(ctx, data, where, tmp)
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return rate, os.Rename(tmp, out)
}

func readItem(it Item) ([]byte, error) {
	r, err := it.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func wavSeconds(path string) (float64, error) {
	x, rate, err := audio.Load(path)
	if err != nil {
		return 0, err
	}
	if len(x) == 0 {
		return 0, errs.BadData("realvoice: %s: no samples after conversion", path)
	}
	return float64(len(x)) / float64(rate), nil
}

func (b *builder) skip(where string, err error) error {
	if b.o.Strict {
		return errs.BadData("realvoice: %s: %v", where, err)
	}
	msg := fmt.Sprintf("%s: %v", where, err)
	b.res.Skipped = append(b.res.Skipped, msg)
	if b.o.Log != nil {
		fmt.Fprintf(b.o.Log, "realvoice: skipped %s\n", msg)
	}
	return nil
}

func (b *builder) speaker(s Source, it Item) *Speaker {
	sp := b.spk[it.Speaker]
	if sp == nil {
		sp = &Speaker{ID: it.Speaker, Group: it.Group, Source: s.Name, Package: s.Package,
			Licence: s.Licence, Identity: s.Identity, Commercial: !s.NonCommercial, Rates: map[int]int{}}
		if it.Identity != "" {
			sp.Identity = it.Identity
		}
		b.spk[it.Speaker] = sp
		b.order = append(b.order, it.Speaker)
	}
	return sp
}
