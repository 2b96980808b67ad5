package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/embed/defaultmodel"
	"github.com/voxsiam/voxsiam/tools/shard"
)

// embedOptions are the flags of `voxsiam embed`.
type embedOptions struct {
	Model, Out, Layout, Speakers     string
	In                               []string
	Batch, IntraOp, InterOp, Workers int
	MinDuration                      float64 // seconds
	Pooling, Format, Short, Device   string
	Signature, InputName, OutputName string
	Distributions, Strict, JSON      bool
	Shard                            shard.Spec // only this shard's utterances (zero: all)
	Stderr                           io.Writer  // warnings and notes (skipped, padded, resampled inputs); nil: w, except with --json
}

func newEmbedCommand() *cli.Command {
	o := &embedOptions{}
	in := cli.NewStringSlice()
	cat, rt := "Embedding", "Runtime"
	return &cli.Command{
		Name:      "embed",
		Usage:     "extract speaker embeddings with a SavedModel (voxsiam export or Keras)",
		UsageText: "voxsiam embed --model <SavedModel> --in <audio files | corpus dir | feature store> --out <dir> [options]",
		Description: "Decodes and resamples audio, computes log-mel features with the model's settings\n" +
			"(assets/voxsiam.json; the reference settings for foreign models), cuts non-overlapping\n" +
			"segments (the last partial segment is the last full window, weighted by its new frames\n" +
			"with --pooling weighted), runs them in batches and averages them per utterance.\n" +
			"Utterances shorter than one segment are repeat-padded (--short pad; each is warned\n" +
			"about and counted) or skipped; --min-duration skips utterances shorter than it first.\n" +
			"Unreadable files are reported and skipped (--strict: exit 3). Writes embeddings.npy,\n" +
			"utt.list, utt2spk when speakers are known, distributions.npy with --distributions,\n" +
			"and embeddings.ark/scp (--format kaldi) or embeddings.txt (--format text).\n" +
			"--shard K/N embeds only the utterances whose id hashes to K; 'voxsiam merge' joins the N outputs.\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR` (default: the shipped model, embed/defaultmodel/MODEL_CARD.md)", Category: cat, Destination: &o.Model},
			&cli.StringSliceFlag{Name: "in", Usage: "audio `FILE`s, a corpus directory or a feature store (repeatable)", Category: cat, Destination: in},
			&cli.StringFlag{Name: "out", Usage: "embeddings `DIR` to write", Category: cat, Destination: &o.Out},
			&cli.StringFlag{Name: "layout", Usage: "corpus layout: auto | voxceleb | timit | librispeech | plain | kaldi", Value: "auto", Category: cat, Destination: &o.Layout},
			&cli.StringFlag{Name: "speakers", Usage: "speaker list `FILE`: embed only these speakers", Category: cat, Destination: &o.Speakers},
			&cli.StringFlag{Name: "pooling", Usage: "mean | weighted | none (one row per segment, ids <utt>-NNNN); default: the model's (voxsiam.json) or mean", Category: cat, Destination: &o.Pooling},
			&cli.StringFlag{Name: "short", Usage: "utterances shorter than a segment: pad (repeat) | skip", Value: embed.ShortPad, Category: cat, Destination: &o.Short},
			&cli.Float64Flag{Name: "min-duration", Usage: "skip utterances with less audio than this many `SECONDS` (0: keep all)", Category: cat, Destination: &o.MinDuration},
			&cli.BoolFlag{Name: "distributions", Usage: "also write distributions.npy (softmax over training speakers)", Category: cat, Destination: &o.Distributions},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first unreadable input instead of skipping it", Category: cat, Destination: &o.Strict},
			shardFlag(cat),
			&cli.StringFlag{Name: "signature", Usage: "signature `KEY` (foreign models)", Value: "serving_default", Category: "Model", Destination: &o.Signature},
			&cli.StringFlag{Name: "input-name", Usage: "signature input key or tensor name (default: the only input)", Category: "Model", Destination: &o.InputName},
			&cli.StringFlag{Name: "output-name", Usage: "signature output key or tensor name (default: the only output or embedding)", Category: "Model", Destination: &o.OutputName},
			&cli.IntFlag{Name: "batch", Usage: "segments per TensorFlow run", Value: embed.DefaultBatch, Category: rt, Destination: &o.Batch},
			&cli.IntFlag{Name: "intra-op", Usage: "TensorFlow intra-op threads (0 = one per core)", Category: rt, Destination: &o.IntraOp},
			&cli.IntFlag{Name: "inter-op", Usage: "TensorFlow inter-op threads (0 = one per core)", Category: rt, Destination: &o.InterOp},
			workersFlag("decode+feature goroutines", rt, &o.Workers),
			&cli.StringFlag{Name: "device", Usage: "cpu | gpu:N (default: TensorFlow's placement)", Category: rt, Destination: &o.Device},
			&cli.StringFlag{Name: "format", Usage: "npy | kaldi (adds ark/scp) | text (adds embeddings.txt)", Value: embed.FormatNpy, Category: "Output", Destination: &o.Format},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON summary (counts, seconds, rates) instead of text", Category: "Output", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error {
			o.In = in.Value()
			var err error
			if o.Shard, err = shardSpec("embed", c.String("shard")); err != nil {
				return err
			}
			o.Stderr = c.App.ErrWriter
			return runEmbed(c.Context, o, c.App.Writer)
		},
	}
}

func runEmbed(ctx context.Context, o *embedOptions, w io.Writer) error {
	if err := checkEmbedOptions(o); err != nil {
		return err
	}
	if o.Model == "" {
		d, err := defaultmodel.Dir()
		if err != nil {
			return err
		}
		o.Model = d
	}
	bar := w
	if o.JSON {
		bar = nil
	}
	sum, err := embed.RunJob(ctx, embed.Job{Model: o.Model, In: o.In, Layout: o.Layout, Speakers: o.Speakers,
		Shard: o.Shard, Out: o.Out, Format: o.Format, Progress: bar,
		Load: embed.Options{SignatureKey: o.Signature, InputName: o.InputName, OutputName: o.OutputName,
			IntraOp: o.IntraOp, InterOp: o.InterOp, Device: o.Device, Batch: o.Batch},
		Extract: o.extractOptions()})
	if err != nil {
		return err
	}
	warn := o.Stderr
	if warn == nil && !o.JSON {
		warn = w
	}
	if warn != nil {
		printEmbedNotes(warn, sum)
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "embedded %d utterances%s (%d segments, %.1f s of audio) in %.1f s: %d-d vectors in %s\n",
		sum.Utterances, shardNote(o.Shard), sum.Segments, sum.AudioSeconds, sum.Seconds, sum.Dim, o.Out)
	return nil
}

func checkEmbedOptions(o *embedOptions) error {
	switch {
	case len(o.In) == 0 || o.Out == "":
		return usagef("embed: --in and --out are required")
	case o.Format != embed.FormatNpy && o.Format != embed.FormatKaldi && o.Format != embed.FormatText:
		return usagef("embed: --format %q: want npy, kaldi or text", o.Format)
	case o.Batch <= 0:
		return usagef("embed: --batch %d: want > 0", o.Batch)
	}
	return o.extractOptions().Validate()
}

func (o *embedOptions) extractOptions() embed.ExtractOptions {
	return embed.ExtractOptions{Short: o.Short, MinDuration: o.MinDuration, Pooling: o.Pooling, Workers: o.Workers,
		Distributions: o.Distributions, Strict: o.Strict, Batch: o.Batch}
}

// printEmbedNotes writes the warnings of an embed run: every skipped and
// padded input with its reason, and the resampled sample rates.
func printEmbedNotes(w io.Writer, sum *embed.Summary) {
	for _, p := range sum.Skipped {
		fmt.Fprintf(w, "warning: skipped %s: %s\n", p.Source, p.Reason)
	}
	for _, p := range sum.Padded {
		fmt.Fprintf(w, "warning: padded %s: %s\n", p.Source, p.Reason)
	}
	if len(sum.Padded) > 0 {
		fmt.Fprintf(w, "utterances shorter than one segment, repeat-padded: %d (--min-duration SECONDS skips them)\n", len(sum.Padded))
	}
	for _, r := range sum.Resampled {
		fmt.Fprintln(w, r.Note())
	}
}
