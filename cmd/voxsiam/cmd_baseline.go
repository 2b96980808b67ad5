package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/baseline"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// baselineOptions are the flags of `voxsiam baseline`.
type baselineOptions struct {
	baseline.Options
	In                    []string
	Out, Layout, Speakers string
	Format                string
	Workers               int
	Strict, JSON          bool
	Stderr                io.Writer // skipped-file warnings (nil: discarded; --json lists them in the summary too)
}

func newBaselineCommand() *cli.Command {
	o := &baselineOptions{}
	in := cli.NewStringSlice()
	cat, st := "Embedding", "Statistics"
	return &cli.Command{
		Name:      "baseline",
		Usage:     "non-neural speaker embeddings (log-mel and MFCC mean+std) to compare a model with",
		UsageText: "voxsiam baseline --in <audio files | corpus dir | feature store> --out <dir> [options]",
		Description: "Reads the inputs `voxsiam embed` takes (audio files, a corpus in --layout, a feature\n" +
			"store such as the ZHAW stores of `voxsiam split --zhaw`); audio gets the reference 128-band\n" +
			"log-mel, stores are used as stored. Per utterance it writes the mean and standard deviation\n" +
			"over frames of the log-mel and of its MFCCs (orthonormal DCT-II, --mfcc coefficients):\n" +
			"[mean logmel | std logmel | mean mfcc | std mfcc], 2*128+2*20 = 296 values by default.\n" +
			"Defaults: no CMN (per-utterance CMN zeroes the MFCC means and leaves the stds alone), no VAD.\n" +
			"The output is an embeddings directory as `voxsiam embed` writes it (embeddings.npy,\n" +
			"utt.list, utt2spk/spk2utt), for cluster, score and eval. Unreadable files are reported\n" +
			"and skipped (--strict: exit 3).\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "in", Usage: "audio `FILE`s, a corpus directory or a feature store (repeatable)", Category: cat, Destination: in},
			&cli.StringFlag{Name: "out", Usage: "embeddings `DIR` to write", Category: cat, Destination: &o.Out},
			&cli.StringFlag{Name: "layout", Usage: "corpus layout: auto | voxceleb | timit | librispeech | plain | kaldi", Value: "auto", Category: cat, Destination: &o.Layout},
			&cli.StringFlag{Name: "speakers", Usage: "speaker list `FILE`: embed only these speakers", Category: cat, Destination: &o.Speakers},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first unreadable input instead of skipping it", Category: cat, Destination: &o.Strict},
			&cli.IntFlag{Name: "mfcc", Usage: "MFCCs per frame (DCT-II coefficients of the log-mel, c0 included)", Value: feature.DefaultNCeps, Category: st, Destination: &o.NCeps},
			&cli.BoolFlag{Name: "cmn", Usage: "per-utterance cepstral mean normalisation of the MFCCs (their mean block becomes 0)", Category: st, Destination: &o.CMN},
			&cli.BoolFlag{Name: "vad", Usage: "drop frames more than --vad-db below the utterance's loudest before the statistics", Category: st, Destination: &o.VAD},
			&cli.Float64Flag{Name: "vad-db", Usage: "VAD threshold in dB below the loudest frame", Value: baseline.DefaultVADThresholdDB, Category: st, Destination: &o.VADThresholdDB},
			workersFlag("decode+feature goroutines", "Runtime", &o.Workers),
			&cli.StringFlag{Name: "format", Usage: "npy | kaldi (adds embeddings.ark/scp)", Value: "npy", Category: "Output", Destination: &o.Format},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON summary (counts, seconds, rates) instead of text", Category: "Output", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error {
			o.In = in.Value()
			o.Stderr = c.App.ErrWriter
			return runBaseline(c.Context, o, c.App.Writer)
		},
	}
}

func runBaseline(ctx context.Context, o *baselineOptions, w io.Writer) error {
	switch {
	case len(o.In) == 0 || o.Out == "":
		return usagef("baseline: --in and --out are required")
	case o.Format != "npy" && o.Format != "kaldi":
		return usagef("baseline: --format %q: want npy or kaldi", o.Format)
	case o.NCeps <= 0:
		return usagef("baseline: --mfcc %d: want > 0", o.NCeps)
	case o.VADThresholdDB <= 0:
		return usagef("baseline: --vad-db %g: want > 0", o.VADThresholdDB)
	}
	bar := w
	if o.JSON {
		bar = nil
	}
	sum, err := baseline.RunJob(ctx, baseline.Job{Options: o.Options, In: o.In, Layout: o.Layout, Speakers: o.Speakers,
		Out: o.Out, Kaldi: o.Format == "kaldi", Workers: o.Workers, Strict: o.Strict, Progress: bar})
	if err != nil {
		return err
	}
	if o.Stderr != nil {
		for _, p := range sum.Skipped {
			fmt.Fprintf(o.Stderr, "warning: skipped %s: %s\n", p.Source, p.Reason)
		}
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "baseline: %d utterances (%.1f s of audio, %d of %d frames kept) in %.1f s: %d-d vectors in %s\n",
		sum.Utterances, sum.AudioSeconds, sum.FramesKept, sum.Frames, sum.Seconds, sum.Dim, o.Out)
	return nil
}
