package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// defaultCalibrationPoints is the number of thresholds calibrate measures
// (--points) and export uses.
const defaultCalibrationPoints = 200

// calibrateOptions are the flags of `voxsiam calibrate`.
type calibrateOptions struct {
	Emb, Out, Model, Dev string
	Points               int
}

func newCalibrateCommand() *cli.Command {
	o := &calibrateOptions{}
	return &cli.Command{
		Name:      "calibrate",
		Usage:     "measure verification error rates on dev embeddings and store the threshold",
		UsageText: "voxsiam calibrate --emb <embeddings dir with utt2spk> (--out FILE | --model <SavedModel>)",
		Description: "Scores every pair of the dev utterances (cosine similarity of their embeddings, written by\n" +
			"voxsiam embed from speakers the model was not trained on), measures the false-accept and\n" +
			"false-reject rates at --points thresholds over the score range and sets the threshold at the\n" +
			"equal error rate. Writes a calibration file (docs/answers.md), to --out or into the model's\n" +
			"assets/calibration.json, which verify and identify read.\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "emb", Usage: "dev embeddings `DIR` (embeddings.npy, utt.list, utt2spk)", Required: true, Destination: &o.Emb},
			&cli.StringFlag{Name: "out", Usage: "calibration `FILE` to write", Destination: &o.Out},
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR`: write its assets/calibration.json", Destination: &o.Model},
			&cli.StringFlag{Name: "dev", Usage: "what the dev speakers are, recorded in the file", Destination: &o.Dev},
			&cli.IntFlag{Name: "points", Usage: "thresholds measured", Value: defaultCalibrationPoints, Destination: &o.Points},
		},
		Action: func(c *cli.Context) error { return runCalibrate(c.Context, o, c.App.Writer) },
	}
}

func runCalibrate(_ context.Context, o *calibrateOptions, w io.Writer) error {
	if (o.Out == "") == (o.Model == "") || o.Points < 2 {
		return usagef("calibrate: give one of --out and --model, and --points >= 2")
	}
	c, err := calibrateDir(o.Emb, o.Points)
	if err != nil {
		return err
	}
	c.Dev = o.Dev
	if c.Dev == "" {
		c.Dev = o.Emb
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Model, "assets", eval.CalibrationAsset)
	}
	if err := eval.WriteCalibration(out, *c); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d speakers, %d utterances, %d trials (%d target): EER %.2f%% at threshold %.4f; wrote %s\n",
		c.Speakers, c.Utterances, c.Trials, c.TargetTrials, 100*c.EER, c.Threshold, out)
	return nil
}

// calibrateDir calibrates on every pair of the utterances of an embeddings
// directory with speakers (utt2spk).
func calibrateDir(dir string, points int) (*eval.Calibration, error) {
	set, err := vecio.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if set.Utt2Spk == nil {
		return nil, usagef("calibrate: %s has no utt2spk: dev embeddings need speaker labels (embed a <speaker>/<utterance> tree)", dir)
	}
	labels := make([]int, set.Len())
	index := map[string]int{}
	for i, id := range set.IDs {
		spk, ok := set.Utt2Spk[id]
		if !ok {
			return nil, usagef("calibrate: %s: utterance %s has no speaker in utt2spk", dir, id)
		}
		if _, seen := index[spk]; !seen {
			index[spk] = len(index)
		}
		labels[i] = index[spk]
	}
	if len(index) < 2 || len(index) == set.Len() {
		return nil, usagef("calibrate: %s: %d speakers in %d utterances; want at least 2 speakers and one with 2 utterances", dir, len(index), set.Len())
	}
	scores, same := eval.PairScores(set.Emb, set.Dim, labels, eval.Cosine)
	c := eval.Calibrate(scores, same, points)
	c.Speakers, c.Utterances = len(index), set.Len()
	return &c, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
