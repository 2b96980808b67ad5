package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/synth"
)

// corpusSynthOptions are the flags of `voxsiam corpus synth`.
type corpusSynthOptions struct {
	Speakers   int
	Utterances int
	Out        string
	Seed       uint64
	Engines    []string
	Workers    int
	JSON       bool
	Stderr     io.Writer // progress and notes
}

func newCorpusCommand() *cli.Command {
	return &cli.Command{
		Name:        "corpus",
		Usage:       "make corpora",
		Category:    "data",
		Subcommands: []*cli.Command{newCorpusSynthCommand(), newCorpusRealCommand()},
	}
}

func newCorpusSynthCommand() *cli.Command {
	const cat = "corpus"
	return &cli.Command{
		Name:  "synth",
		Usage: "synthesize a multi-speaker corpus with espeak-ng, festival and flite",
		Description: `Writes <out>/<speaker>/<speaker>-<nnn>.wav (16 kHz mono 16-bit), speakers.tsv
(speaker, base_voice, engine, voice, pitch, speed, warp, lang) and utterances.tsv (utt_id,
speaker, duration_s, lang, text). A speaker is a
base voice perturbed in pitch, speaking rate and vocal-tract length; base_voice is the group
that 'voxsiam features' and 'voxsiam split' keep together. Deterministic for a seed and the
installed voices. A sentence an engine cannot say is replaced by another; a speaker whose
voice fails on 3 sentences in a row for one utterance is left out; the summary lists both.
Read it with: voxsiam features --layout plain --in <out> --out <store>
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "speakers", Value: 100, Usage: "number of speakers", Category: cat},
			&cli.IntFlag{Name: "utterances", Value: 20, Usage: "utterances per speaker", Category: cat},
			&cli.StringFlag{Name: "out", Required: true, Usage: "corpus directory to create", Category: cat},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed", Category: cat},
			&cli.StringFlag{Name: "engines", Value: strings.Join(synth.AllEngines, ","), Usage: "comma-separated engines", Category: cat},
			workersFlag("speakers synthesized concurrently", cat, nil),
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: cat},
		},
		Action: func(c *cli.Context) error {
			opts := corpusSynthOptions{
				Speakers: c.Int("speakers"), Utterances: c.Int("utterances"), Out: c.String("out"),
				Seed: c.Uint64("seed"), Workers: c.Int("workers"), JSON: c.Bool("json"),
				Stderr: c.App.ErrWriter,
			}
			for _, e := range strings.Split(c.String("engines"), ",") {
				if e = strings.TrimSpace(e); e != "" {
					opts.Engines = append(opts.Engines, e)
				}
			}
			return runCorpusSynth(c.Context, opts, c.App.Writer)
		},
	}
}

// runCorpusSynth generates the corpus and prints a summary to w.
func runCorpusSynth(ctx context.Context, opts corpusSynthOptions, w io.Writer) error {
	if opts.Speakers < 1 || opts.Utterances < 1 {
		return usagef("corpus synth: --speakers and --utterances must be >= 1")
	}
	for _, e := range opts.Engines {
		if !slices.Contains(synth.AllEngines, e) {
			return usagef("corpus synth: unknown engine %q (known: %s)", e, strings.Join(synth.AllEngines, ", "))
		}
	}
	if _, err := os.Stat(opts.Out); err == nil {
		return usagef("corpus synth: %s already exists; remove it or choose another --out", opts.Out)
	}
	stderr, bar := logAndBar(opts.Stderr, opts.JSON)
	res, err := synth.Generate(ctx, synth.Options{Speakers: opts.Speakers, Utterances: opts.Utterances,
		Out: opts.Out, Seed: opts.Seed, Engines: opts.Engines, Workers: opts.Workers, Progress: bar, Log: stderr})
	if err != nil {
		return err
	}
	engines := map[string]int{}
	for _, s := range res.Speakers {
		engines[s.Voice.Engine]++
	}
	sum := struct {
		Out        string           `json:"out"`
		Speakers   int              `json:"speakers"`
		BaseVoices int              `json:"base_voices"`
		Utterances int              `json:"utterances"`
		Hours      float64          `json:"hours"`
		Engines    map[string]int   `json:"speakers_per_engine"`
		Replaced   []synth.Replaced `json:"replaced_sentences"`
		Skipped    []synth.Skipped  `json:"skipped_speakers"`
	}{opts.Out, len(res.Speakers), res.BaseVoices, len(res.Utts), res.Seconds / 3600, engines,
		append([]synth.Replaced{}, res.Replaced...), append([]synth.Skipped{}, res.Skipped...)}
	if opts.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "corpus %s: %d speakers from %d base voices, %d utterances, %.2f h (speakers per engine: %v)\n",
		sum.Out, sum.Speakers, sum.BaseVoices, sum.Utterances, sum.Hours, engines)
	for _, r := range res.Replaced {
		fmt.Fprintf(w, "replaced: %s (%s) could not say %q; it says %q\n", r.Utt, r.Voice, r.Text, r.By)
	}
	for _, k := range res.Skipped {
		fmt.Fprintf(w, "skipped: speaker %s (%s), its voice kept failing: %s\n", k.Speaker, k.Voice, k.Err)
	}
	return nil
}

// logAndBar returns where a data command writes notes (stderr, or nowhere)
// and its progress bar (stderr; none with --json, whose output is parsed).
func logAndBar(stderr io.Writer, json bool) (log, bar io.Writer) {
	if stderr == nil {
		stderr = io.Discard
	}
	if json {
		return stderr, nil
	}
	return stderr, stderr
}
