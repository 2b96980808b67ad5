package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/augment"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// augmentOptions are the flags of `voxsiam augment`.
type augmentOptions struct {
	Layout     dataset.Layout
	In, Out    string
	KaldiPipes bool
	JSON       bool
	Corpus     augment.CorpusOptions
	Stderr     io.Writer // progress and skipped files
}

func newAugmentCommand() *cli.Command {
	const catIO, ca = "input/output", "augmentation"
	def := augment.DefaultCorpusOptions()
	rng := func(r augment.Range) string { return fmt.Sprintf("%g:%g", r.Lo, r.Hi) }
	return &cli.Command{
		Name:     "augment",
		Usage:    "write an augmented copy of a corpus (speed, noise, babble, reverberation, telephone, gain/EQ)",
		Category: "data",
		Description: `Reads a corpus (--layout auto|voxceleb|timit|librispeech|plain|kaldi) and writes to --out a
plain corpus (<speaker>/<utt>.wav, 16-bit PCM at 16 kHz, speakers.tsv) holding, for every
utterance, its clean copy and one augmented copy per --copies kind, as Kaldi's x-vector recipe
keeps the clean data beside the augmented:
  speed      sox-style speed 0.9 and 1.1 (--speed-factors); each a new speaker sp0.9-<spk>
  noise      white, pink or brown noise at an SNR from --noise-snr (dB)
  babble     3-7 other speakers' utterances (--babble-talkers) at --babble-snr (dB)
  reverb     a simulated shoebox room (image method), RT60 from --rt60 (s)
  telephone  300-3400 Hz, 8 kHz, a codec from --codecs (mu-law, A-law; gsm: GSM 06.10 via sox)
  gaineq     a gain from --gain-db and random shelving/peaking EQ
Augmented utterances are named <utt>-<kind> (speed copies: sp<f>-<spk>/<utt>); speakers.tsv
puts every output speaker in its source speaker's group, so 'voxsiam split' keeps the copies of
one voice on the same side. Every output depends only on --seed, the utterance and the kind.
Files already in --out are kept: after an interruption, the same command resumes (each file is
written under a temporary name and renamed). A corrupt input file is reported and skipped;
with --strict it fails the run (exit 3).
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Required: true, Usage: "corpus root (a Kaldi data dir for --layout kaldi)", Category: catIO},
			&cli.StringFlag{Name: "out", Required: true, Usage: "output corpus directory (plain layout)", Category: catIO},
			&cli.StringFlag{Name: "layout", Value: "auto", Usage: "corpus layout: auto, voxceleb, timit, librispeech, plain, kaldi", Category: catIO},
			workersFlag("goroutines", catIO, nil),
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first corrupt file instead of skipping it", Category: catIO},
			&cli.BoolFlag{Name: "kaldi-pipes", Usage: "run wav.scp commands (\"... |\") with sh", Category: catIO},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: catIO},
			&cli.StringFlag{Name: "copies", Value: strings.Join(def.Kinds, ","), Usage: "augmented copies per utterance, comma-separated kinds", Category: ca},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of every random choice", Category: ca},
			&cli.StringFlag{Name: "speed-factors", Value: "0.9,1.1", Usage: "speed perturbation factors", Category: ca},
			&cli.StringFlag{Name: "noise-snr", Value: rng(def.NoiseSNR), Usage: "SNR range of coloured noise in dB, lo:hi", Category: ca},
			&cli.StringFlag{Name: "babble-snr", Value: rng(def.BabbleSNR), Usage: "SNR range of babble in dB, lo:hi", Category: ca},
			&cli.StringFlag{Name: "babble-talkers", Value: fmt.Sprintf("%d:%d", def.BabbleTalkers[0], def.BabbleTalkers[1]), Usage: "talkers per babble, lo:hi", Category: ca},
			&cli.StringFlag{Name: "rt60", Value: rng(def.Rooms.RT60), Usage: "reverberation time range in s, lo:hi", Category: ca},
			&cli.StringFlag{Name: "codecs", Value: "mulaw,alaw", Usage: "telephone codecs, one drawn per copy: mulaw, alaw, gsm (GSM 06.10 full rate, runs sox)", Category: ca},
			&cli.StringFlag{Name: "gain-db", Value: rng(def.GainDB), Usage: "gain range in dB of the gaineq copy, lo:hi", Category: ca},
		},
		Action: func(c *cli.Context) error {
			o, err := augmentCorpusOptions(c)
			if err != nil {
				return err
			}
			opts := augmentOptions{Layout: dataset.Layout(c.String("layout")), In: c.String("in"), Out: c.String("out"),
				KaldiPipes: c.Bool("kaldi-pipes"), JSON: c.Bool("json"), Corpus: o, Stderr: c.App.ErrWriter}
			return runAugment(c.Context, opts, c.App.Writer)
		},
	}
}

// augmentCorpusOptions reads the augmentation flags.
func augmentCorpusOptions(c *cli.Context) (augment.CorpusOptions, error) {
	o := augment.DefaultCorpusOptions()
	o.Seed, o.Workers, o.Strict = c.Uint64("seed"), c.Int("workers"), c.Bool("strict")
	o.Kinds = strings.Split(c.String("copies"), ",")
	for _, k := range o.Kinds {
		if !slices.Contains(augment.Kinds, k) {
			return o, usagef("augment: --copies: unknown kind %q (known: %s)", k, strings.Join(augment.Kinds, ", "))
		}
	}
	codecs, err := augment.ParseCodecs(c.String("codecs"))
	if err != nil {
		return o, usagef("augment: --codecs: %v", err)
	}
	o.Codecs = codecs
	o.SpeedFactors = nil
	for _, f := range strings.Split(c.String("speed-factors"), ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return o, usagef("augment: --speed-factors %q: %v", c.String("speed-factors"), err)
		}
		o.SpeedFactors = append(o.SpeedFactors, v)
	}
	for name, dst := range map[string]*augment.Range{"noise-snr": &o.NoiseSNR, "babble-snr": &o.BabbleSNR,
		"rt60": &o.Rooms.RT60, "gain-db": &o.GainDB} {
		r, err := parseRange(c.String(name))
		if err != nil {
			return o, usagef("augment: --%s: %v", name, err)
		}
		*dst = r
	}
	t, err := parseRange(c.String("babble-talkers"))
	if err != nil || t.Lo != float64(int(t.Lo)) || t.Hi != float64(int(t.Hi)) {
		return o, usagef("augment: --babble-talkers %q: want whole numbers lo:hi", c.String("babble-talkers"))
	}
	o.BabbleTalkers = [2]int{int(t.Lo), int(t.Hi)}
	if o.Rooms.RT60.Lo <= 0 || o.Rooms.RT60.Hi > 5 {
		return o, usagef("augment: --rt60 %q: want a range within (0, 5] s", c.String("rt60"))
	}
	return o, nil
}

// parseRange reads "lo:hi" (lo <= hi) or a single value.
func parseRange(s string) (augment.Range, error) {
	lo, hi, ok := strings.Cut(s, ":")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
	if err1 != nil || err2 != nil || a > b {
		return augment.Range{}, fmt.Errorf("%q: want lo:hi with lo <= hi", s)
	}
	return augment.Range{Lo: a, Hi: b}, nil
}

// runAugment scans the corpus and writes its augmented copy.
func runAugment(ctx context.Context, opts augmentOptions, w io.Writer) error {
	stderr := opts.Stderr
	if stderr == nil || opts.JSON {
		stderr = io.Discard
	}
	o := opts.Corpus
	o.Warn = stderr
	sum, err := augment.Run(ctx, opts.In, opts.Out, augment.RunOptions{CorpusOptions: o, Layout: opts.Layout, AllowPipes: opts.KaldiPipes})
	if err != nil {
		return err
	}
	if opts.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "augmented corpus %s (from the %s layout): %d utterances in, %d files written, %d already there, %d speakers\n",
		sum.Out, sum.Layout, sum.Utterances, sum.Written, sum.Existing, sum.Speakers)
	kinds := make([]string, 0, len(sum.PerKind))
	for k := range sum.PerKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-10s %d files\n", k, sum.PerKind[k])
	}
	if len(sum.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d files:\n", len(sum.Skipped))
		for _, sk := range sum.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", sk.Source, sk.Reason)
		}
	}
	return nil
}
