package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// featuresOptions are the flags of `voxsiam features`.
type featuresOptions struct {
	Layout     dataset.Layout
	In, Out    string
	Workers    int
	Strict     bool
	Restart    bool
	Float16    bool
	KaldiPipes bool
	JSON       bool
	Config     feature.Config
	Stderr     io.Writer // progress and skipped files
}

func newFeaturesCommand() *cli.Command {
	const catIO, fc = "input/output", "features"
	env := func(s string) []string { return []string{"VOXSIAM_" + s} }
	return &cli.Command{
		Name:     "features",
		Usage:    "compute log-mel features of a corpus into a feature store",
		Category: "data",
		Description: `Scans a corpus (--layout auto|voxceleb|timit|librispeech|plain|kaldi), computes
features of every utterance on --workers goroutines and streams them into the feature store
--out (frames.npy, manifest.tsv, speakers.tsv, features.json), in constant memory.
A corrupt or unreadable file is reported and skipped; with --strict it fails the run (exit 3).
The store is written to <out>.partial and renamed when complete. After an interruption,
running the same command again resumes from the last complete utterance (the default);
--restart discards the partial store (and replaces an existing complete one).
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Required: true, Usage: "corpus root (a Kaldi data dir for --layout kaldi)", EnvVars: env("IN"), Category: catIO},
			&cli.StringFlag{Name: "out", Required: true, Usage: "feature store directory", EnvVars: env("OUT"), Category: catIO},
			&cli.StringFlag{Name: "layout", Value: "auto", Usage: "corpus layout: auto, voxceleb, timit, librispeech, plain, kaldi", EnvVars: env("LAYOUT"), Category: catIO},
			&cli.IntFlag{Name: "workers", Value: 2, Usage: "decoding and feature goroutines", EnvVars: env("WORKERS"), Category: catIO},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first corrupt file instead of skipping it", EnvVars: env("STRICT"), Category: catIO},
			&cli.BoolFlag{Name: "restart", Usage: "discard a partial store from an interrupted run; replace an existing store", EnvVars: env("RESTART"), Category: catIO},
			&cli.BoolFlag{Name: "float16", Usage: "store frames as float16 (half the size)", EnvVars: env("FLOAT16"), Category: catIO},
			&cli.BoolFlag{Name: "kaldi-pipes", Usage: "run wav.scp commands (\"... |\") with sh", EnvVars: env("KALDI_PIPES"), Category: catIO},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", EnvVars: env("JSON"), Category: catIO},
			&cli.StringFlag{Name: "kind", Value: feature.KindLogMel, Usage: "logmel (log10(1+10000*mel), the reference) or fbank (Kaldi)", EnvVars: env("KIND"), Category: fc},
			&cli.IntFlag{Name: "sample-rate", Usage: "resample audio to this rate in Hz (default 16000)", DefaultText: "per --kind", EnvVars: env("SAMPLE_RATE"), Category: fc},
			&cli.IntFlag{Name: "n-mels", Usage: "mel bands (default 128)", DefaultText: "per --kind", EnvVars: env("N_MELS"), Category: fc},
			&cli.IntFlag{Name: "n-fft", Usage: "FFT size in samples (default 1024 logmel, 512 fbank)", DefaultText: "per --kind", EnvVars: env("N_FFT"), Category: fc},
			&cli.IntFlag{Name: "win-length", Usage: "window length in samples (default n-fft logmel, 400 fbank)", DefaultText: "per --kind", EnvVars: env("WIN_LENGTH"), Category: fc},
			&cli.IntFlag{Name: "hop", Usage: "frame shift in samples (default 160)", DefaultText: "per --kind", EnvVars: env("HOP"), Category: fc},
			&cli.Float64Flag{Name: "fmin", Usage: "lowest mel frequency in Hz (default 0 logmel, 20 fbank)", DefaultText: "per --kind", EnvVars: env("FMIN"), Category: fc},
			&cli.Float64Flag{Name: "fmax", Usage: "highest mel frequency in Hz (default sample-rate/2)", DefaultText: "per --kind", EnvVars: env("FMAX"), Category: fc},
			&cli.BoolFlag{Name: "vad", Usage: "trim leading and trailing silence", EnvVars: env("VAD"), Category: fc},
		},
		Action: func(c *cli.Context) error {
			cfg, err := featureConfigFromFlags(c)
			if err != nil {
				return err
			}
			opts := featuresOptions{
				Layout: dataset.Layout(c.String("layout")), In: c.String("in"), Out: c.String("out"),
				Workers: c.Int("workers"), Strict: c.Bool("strict"), Restart: c.Bool("restart"),
				Float16: c.Bool("float16"), KaldiPipes: c.Bool("kaldi-pipes"), JSON: c.Bool("json"),
				Config: cfg, Stderr: c.App.ErrWriter,
			}
			return runFeatures(c.Context, opts, c.App.Writer)
		},
	}
}

// featureConfigFromFlags starts from the kind's defaults and applies the
// feature flags that were set.
func featureConfigFromFlags(c *cli.Context) (feature.Config, error) {
	cfg := feature.DefaultConfig()
	switch k := c.String("kind"); k {
	case feature.KindLogMel:
	case feature.KindFbank:
		cfg = feature.FbankConfig()
	default:
		return cfg, usagef("features: --kind %q must be logmel or fbank", k)
	}
	for name, dst := range map[string]*int{"sample-rate": &cfg.SampleRate, "n-mels": &cfg.NMels,
		"n-fft": &cfg.NFFT, "win-length": &cfg.WinLength, "hop": &cfg.Hop} {
		if c.IsSet(name) {
			*dst = c.Int(name)
		}
	}
	if c.IsSet("fmin") {
		cfg.FMin = c.Float64("fmin")
	}
	if c.IsSet("fmax") {
		cfg.FMax = c.Float64("fmax")
	}
	cfg.VAD = cfg.VAD || c.Bool("vad")
	if err := cfg.Validate(); err != nil {
		return cfg, usagef("features: %v", err)
	}
	return cfg, nil
}

// featuresSummary is what runFeatures reports.
type featuresSummary struct {
	Store      string        `json:"store"`
	Layout     string        `json:"layout"`
	Speakers   int           `json:"speakers"`
	Utterances int           `json:"utterances"`
	Resumed    int           `json:"resumed"`
	Frames     int64         `json:"frames"`
	Hours      float64       `json:"hours"`
	Skipped    []skippedFile `json:"skipped"`
}

type skippedFile struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}

// runFeatures scans the corpus and streams its features into the store.
func runFeatures(ctx context.Context, opts featuresOptions, w io.Writer) error {
	stderr := opts.Stderr
	if stderr == nil || opts.JSON {
		stderr = io.Discard
	}
	items, err := dataset.ScanWith(opts.In, opts.Layout, dataset.Options{AllowPipes: opts.KaldiPipes})
	if err != nil {
		return err
	}
	layout := opts.Layout
	if layout == dataset.Auto || layout == "" {
		layout, _ = dataset.Detect(opts.In)
	}
	ext, err := feature.NewExtractor(opts.Config)
	if err != nil {
		return usagef("features: %v", err)
	}
	sw, err := store.Create(opts.Out, store.Options{NMels: ext.NMels(), Float16: opts.Float16,
		Restart: opts.Restart, FeatureConfig: ext.Config()})
	if errors.Is(err, store.ErrExists) {
		return usagef("features: %v", err)
	}
	if err != nil {
		return err
	}
	defer sw.Close() // keeps <out>.partial for a resume unless committed
	sum := featuresSummary{Store: opts.Out, Layout: string(layout), Resumed: len(sw.Resumed())}
	var todo []dataset.Item
	for _, it := range items {
		sw.SetGroup(it.Speaker, it.Group)
		if !sw.Has(it.UttID) && !sw.Done(it.Source()) {
			todo = append(todo, it)
		}
	}
	if sum.Resumed > 0 {
		fmt.Fprintf(stderr, "features: resuming %s.partial: %d utterances done, %d to go\n", opts.Out, sum.Resumed, len(todo))
	}
	bar := progress.New(stderr, int64(len(todo)), "features")
	err = featurise(ctx, todo, ext, opts.Config.SampleRate, opts.Workers, func(r featResult) error {
		bar.Add(1)
		return addResult(sw, r, opts.Strict, &sum, stderr)
	})
	bar.Finish()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "features: interrupted; run the same command again to resume %s.partial\n", opts.Out)
		}
		return err
	}
	if err := sw.Commit(); err != nil {
		return err
	}
	return printFeaturesSummary(opts, &sum, w)
}

// addResult stores one utterance or records why it was skipped.
func addResult(sw *store.Writer, r featResult, strict bool, sum *featuresSummary, stderr io.Writer) error {
	it := r.item
	if r.err == nil && r.n == 0 {
		r.err = errs.BadData("features: %s: too short for one frame (%.3f s)", it.Source(), r.dur)
	}
	if r.err != nil {
		if strict {
			return dataError{fmt.Errorf("features: %s: %w", it.Source(), r.err)}
		}
		fmt.Fprintf(stderr, "features: skipping %s: %v\n", it.Source(), r.err)
		sum.Skipped = append(sum.Skipped, skippedFile{it.Source(), r.err.Error()})
		return nil
	}
	return sw.Add(store.Utterance{ID: it.UttID, Speaker: it.Speaker, Source: it.Source(), Duration: r.dur}, r.frames)
}

// printFeaturesSummary reads the committed store back for the totals.
func printFeaturesSummary(opts featuresOptions, sum *featuresSummary, w io.Writer) error {
	s, err := store.Open(opts.Out)
	if err != nil {
		return err
	}
	defer s.Close()
	sum.Speakers, sum.Utterances, sum.Frames = len(s.Speakers()), len(s.Utterances()), s.NumFrames()
	for _, u := range s.Utterances() {
		sum.Hours += u.Duration / 3600
	}
	sort.Slice(sum.Skipped, func(i, j int) bool { return sum.Skipped[i].Source < sum.Skipped[j].Source })
	if opts.JSON {
		if sum.Skipped == nil {
			sum.Skipped = []skippedFile{}
		}
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "store %s (%s layout): %d speakers, %d utterances (%d resumed), %.2f h, %d frames x %d\n",
		sum.Store, sum.Layout, sum.Speakers, sum.Utterances, sum.Resumed, sum.Hours, sum.Frames, s.NMels())
	if len(sum.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d files:\n", len(sum.Skipped))
		for _, sk := range sum.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", sk.Source, sk.Reason)
		}
	}
	return nil
}

// featResult is one featurised item.
type featResult struct {
	item   dataset.Item
	frames []float32 // [n, n_mels] row-major
	n      int
	dur    float64 // seconds of audio
	err    error   // load error (the item is skipped)
}

// featurise loads and featurises items on workers goroutines and calls fn
// for each, in item order, on the calling goroutine; at most 2*workers
// results are in memory. It stops at fn's first error or when ctx ends.
func featurise(ctx context.Context, items []dataset.Item, proto *feature.Extractor, rate, workers int, fn func(featResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers = max(workers, 1)
	jobs := make(chan int)
	results := make([]chan featResult, len(items))
	for i := range results {
		results[i] = make(chan featResult, 1)
	}
	window := make(chan struct{}, 2*workers)
	go func() {
		defer close(jobs)
		for i := range items {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for k := 0; k < workers; k++ {
		e := proto.Clone()
		go func() {
			for i := range jobs {
				results[i] <- featureOne(ctx, e, items[i], rate)
			}
		}()
	}
	for i := range items {
		select {
		case r := <-results[i]:
			<-window
			if err := fn(r); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// featureOne loads one item and computes its features.
func featureOne(ctx context.Context, e *feature.Extractor, it dataset.Item, rate int) featResult {
	r := featResult{item: it}
	x, err := dataset.Load(ctx, it, rate)
	if err != nil {
		r.err = err
		return r
	}
	r.dur = float64(len(x)) / float64(rate)
	r.frames, r.n = e.Compute(nil, x)
	return r
}
