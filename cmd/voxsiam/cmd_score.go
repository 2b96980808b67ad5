package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/report"
)

// scoreOptions are the flags of `voxsiam score`.
type scoreOptions struct {
	report.ScoreConfig
	backendOptions
	Distance string
	Out      string // score file ("-": standard output)
	JSON     bool
}

func newScoreCommand() *cli.Command {
	return &cli.Command{
		Name:     "score",
		Usage:    "score speaker-verification trials",
		Category: clusterCategory,
		Description: `Scores each trial of a list with the embeddings of a directory and writes
"utt1 utt2 score [target|nontarget]" lines (Kaldi/WeSpeaker layout). Trial lists: VoxCeleb
("1 id10270/x/00001.wav id10270/y/00008.wav"; the .wav is dropped to find the utterance, and
"/" may appear as "-" in the ids), Kaldi ("utt1 utt2 target|nontarget") or unlabelled pairs.
Scores are cosine similarities, or negated distances (euclidean, kl). --mean-subtract removes
the cohort's (or else the scored set's) mean first; --asnorm-cohort applies adaptive s-norm
with the --topk best cohort scores (also on top of a trained back-end's scores, the cohort
projected by the same back-end; a --topk above the cohort's size keeps the whole cohort). With
labelled trials the EER and minDCF are printed.

` + bootstrapHelp + backendHelp + exitStatusHelp,
		Flags: append([]cli.Flag{
			embeddingsFlag(), distanceFlag(), jsonFlag(),
			&cli.StringFlag{Name: "trials", Required: true, Usage: "trial list", Category: clusterCategory},
			&cli.BoolFlag{Name: "mean-subtract", Usage: "subtract the mean embedding before scoring", Category: clusterCategory},
			&cli.StringFlag{Name: "out", Value: "-", Usage: "score file (- for standard output)", Category: clusterCategory},
			bootstrapFlag(),
		}, append(backendFlags(), asnormFlags()...)...),
		Action: func(c *cli.Context) error {
			opts := scoreOptions{
				ScoreConfig: report.ScoreConfig{
					Embeddings: c.String("embeddings"), Trials: c.String("trials"),
					ASNorm: readASNormFlags(c), MeanSubtract: c.Bool("mean-subtract"), Bootstrap: c.Int("bootstrap"),
				},
				backendOptions: readBackendFlags(c),
				Distance:       c.String("distance"), Out: c.String("out"), JSON: c.Bool("json"),
			}
			return runScore(c.Context, opts, c.App.Writer)
		},
	}
}

// runScore scores the trials, writes the scores and prints the metrics.
func runScore(ctx context.Context, opts scoreOptions, w io.Writer) error {
	m, err := eval.ParseMetric(opts.Distance)
	if err != nil {
		return usagef("--distance: %v", err)
	}
	if opts.ScoreConfig.Backend, err = opts.backendOptions.config(opts.Distance); err != nil {
		return err
	}
	if opts.MeanSubtract && opts.ScoreConfig.Backend.Trained() {
		return usagef("score: --mean-subtract is part of the %s back-end", opts.ScoreConfig.Backend.Kind)
	}
	if err := checkASNorm(opts.ASNorm); err != nil {
		return err
	}
	if opts.JSON && opts.Out == "-" {
		return usagef("score: --json needs --out FILE for the scores")
	}
	opts.Metric = m
	if opts.ScoreConfig.Bootstrap, err = bootstrapResamples(opts.ScoreConfig.Bootstrap); err != nil {
		return err
	}
	res, err := report.Score(opts.ScoreConfig)
	if err != nil {
		return err
	}
	if err := writeOut(opts.Out, w, res.WriteScores); err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if opts.Out != "-" {
		fmt.Fprintf(w, "%d trials scored (%d target), %s -> %s\n", res.Trials, res.Targets, res.Metric, opts.Out)
		if res.EER != nil {
			fmt.Fprintf(w, "EER %s (threshold %.4f)  minDCF(0.01) %.4f  minDCF(0.05) %.4f\n", report.FormatEER(*res.EER, res.Bootstrap), *res.EERThr, *res.MinDCF01, *res.MinDCF05)
		}
	}
	return nil
}
