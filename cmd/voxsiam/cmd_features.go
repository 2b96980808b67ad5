package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/ingest"
	"github.com/voxsiam/voxsiam/tools/shard"
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
	Shard      shard.Spec // only this shard's utterances (zero: all)
	Stderr     io.Writer  // progress and skipped files
}

func newFeaturesCommand() *cli.Command {
	const catIO, fc = "input/output", "features"
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
--shard K/N keeps the utterances whose id hashes to K (one job of an array of N; each shard
is its own store; 'voxsiam merge' joins them into the store an unsharded run writes).
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Required: true, Usage: "corpus root (a Kaldi data dir for --layout kaldi)", Category: catIO},
			&cli.StringFlag{Name: "out", Required: true, Usage: "feature store directory", Category: catIO},
			&cli.StringFlag{Name: "layout", Value: "auto", Usage: "corpus layout: auto, voxceleb, timit, librispeech, plain, kaldi", Category: catIO},
			workersFlag("decoding and feature goroutines", catIO, nil),
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first corrupt file instead of skipping it", Category: catIO},
			&cli.BoolFlag{Name: "restart", Usage: "discard a partial store from an interrupted run; replace an existing store", Category: catIO},
			&cli.BoolFlag{Name: "float16", Usage: "store frames as float16 (half the size)", Category: catIO},
			&cli.BoolFlag{Name: "kaldi-pipes", Usage: "run wav.scp commands (\"... |\") with sh", Category: catIO},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: catIO},
			shardFlag(catIO),
			&cli.StringFlag{Name: "kind", Value: feature.KindLogMel, Usage: "logmel (log10(1+10000*mel), the reference) or fbank (Kaldi)", Category: fc},
			&cli.IntFlag{Name: "sample-rate", Usage: "resample audio to this rate in Hz (default 16000)", DefaultText: "per --kind", Category: fc},
			&cli.IntFlag{Name: "n-mels", Usage: "mel bands (default 128)", DefaultText: "per --kind", Category: fc},
			&cli.IntFlag{Name: "n-fft", Usage: "FFT size in samples (default 1024 logmel, 512 fbank)", DefaultText: "per --kind", Category: fc},
			&cli.IntFlag{Name: "win-length", Usage: "window length in samples (default n-fft logmel, 400 fbank)", DefaultText: "per --kind", Category: fc},
			&cli.IntFlag{Name: "hop", Usage: "frame shift in samples (default 160)", DefaultText: "per --kind", Category: fc},
			&cli.Float64Flag{Name: "fmin", Usage: "lowest mel frequency in Hz (default 0 logmel, 20 fbank)", DefaultText: "per --kind", Category: fc},
			&cli.Float64Flag{Name: "fmax", Usage: "highest mel frequency in Hz (default sample-rate/2)", DefaultText: "per --kind", Category: fc},
			&cli.BoolFlag{Name: "vad", Usage: "trim leading and trailing silence", Category: fc},
		},
		Action: func(c *cli.Context) error {
			cfg, err := featureConfigFromFlags(c)
			if err != nil {
				return err
			}
			sp, err := shardSpec("features", c.String("shard"))
			if err != nil {
				return err
			}
			opts := featuresOptions{Shard: sp,
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

// runFeatures scans the corpus and streams its features into the store.
func runFeatures(ctx context.Context, opts featuresOptions, w io.Writer) error {
	stderr := opts.Stderr
	if stderr == nil || opts.JSON {
		stderr = io.Discard
	}
	sum, err := ingest.RunCorpus(ctx, opts.In, opts.Out, ingest.CorpusOptions{Layout: opts.Layout, AllowPipes: opts.KaldiPipes,
		Shard: opts.Shard, Options: ingest.Options{Feature: opts.Config, Workers: opts.Workers,
			Strict: opts.Strict, Restart: opts.Restart, Float16: opts.Float16, Warn: stderr}})
	if err != nil {
		return err
	}
	return printFeaturesSummary(opts, sum, w)
}

// printFeaturesSummary prints the totals as text or JSON.
func printFeaturesSummary(opts featuresOptions, sum *ingest.CorpusSummary, w io.Writer) error {
	if opts.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "store %s (%s layout%s): %d speakers, %d utterances (%d resumed), %.2f h, %d frames x %d\n",
		sum.Store, sum.Layout, shardNote(opts.Shard), sum.Speakers, sum.Utterances, sum.Resumed, sum.Hours, sum.Frames, sum.NMels)
	if len(sum.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d files:\n", len(sum.Skipped))
		for _, sk := range sum.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", sk.Source, sk.Reason)
		}
	}
	return nil
}
