package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval"
)

// verifyOptions are the flags of `voxsiam verify`.
type verifyOptions struct {
	A, B             []string // the two sides: audio files or folders, one speaker each
	Model            string
	Threshold, FAR   float64 // NaN: not given
	Dev, Calibration string  // dev embeddings dir to calibrate on; calibration file
	JSON, ExitStatus bool
	Stderr           io.Writer // warnings (skipped, padded, resampled files); nil: discarded
}

// verifyResult is what verify prints (--json).
type verifyResult struct {
	A         []string `json:"a"` // the files embedded
	B         []string `json:"b"`
	Score     float64  `json:"score"` // cosine similarity of the two sides' mean embeddings
	Threshold float64  `json:"threshold"`
	Accepted  bool     `json:"accepted"` // score >= threshold: the same speaker
	FAR       *float64 `json:"far"`      // false-accept rate at the threshold on the dev trials (null: no calibration)
	FRR       *float64 `json:"frr"`      // false-reject rate there
	From      string   `json:"threshold_from"`
}

func newVerifyCommand() *cli.Command {
	o := &verifyOptions{}
	return &cli.Command{
		Name:      "verify",
		Usage:     "same speaker? score two recordings (or folders of one speaker each) and decide",
		UsageText: "voxsiam verify [--model DIR] [--threshold T | --far F] [--json] A B   (A, B: audio files or folders)",
		Description: "Embeds every audio file of A and of B (a folder: its audio files at any depth), averages each\n" +
			"side's length-normalised embeddings and scores the pair by cosine similarity. The decision uses\n" +
			"the model's calibrated threshold (assets/calibration.json: the equal-error point on its dev\n" +
			"speakers, with the false-accept and false-reject rates measured there; voxsiam calibrate writes\n" +
			"it), or --dev DIR (calibrate on those embeddings now), --calibration FILE, --far F (the lowest\n" +
			"threshold with at most that false-accept rate) or --threshold T.\n" +
			"With --exit-status the exit status is the decision: 0 same speaker, 4 different.\n" + exitStatusHelp +
			"   4    (with --exit-status) rejected: not the same speaker\n",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR` (default: the shipped model)", Destination: &o.Model},
			&cli.Float64Flag{Name: "threshold", Usage: "accept when the score is >= `T` (overrides the calibration's)", Value: math.NaN()},
			&cli.Float64Flag{Name: "far", Usage: "pick the threshold with at most this false-accept `RATE` on the dev trials (e.g. 0.01)", Value: math.NaN()},
			&cli.StringFlag{Name: "dev", Usage: "dev embeddings `DIR` (voxsiam embed output with utt2spk) to calibrate on", Destination: &o.Dev},
			&cli.StringFlag{Name: "calibration", Usage: "calibration `FILE` (voxsiam calibrate --out)", Destination: &o.Calibration},
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON", Destination: &o.JSON},
			&cli.BoolFlag{Name: "exit-status", Usage: "exit 0 when accepted, 4 when rejected", Destination: &o.ExitStatus},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("verify: want two arguments A and B (audio files or folders), got %d", c.NArg())
			}
			o.A, o.B = []string{c.Args().Get(0)}, []string{c.Args().Get(1)}
			o.Threshold, o.FAR, o.Stderr = c.Float64("threshold"), c.Float64("far"), c.App.ErrWriter
			return runVerify(c.Context, o, c.App.Writer)
		},
	}
}

func runVerify(ctx context.Context, o *verifyOptions, w io.Writer) error {
	if !math.IsNaN(o.Threshold) && !math.IsNaN(o.FAR) {
		return usagef("verify: give --threshold or --far, not both")
	}
	if !math.IsNaN(o.FAR) && (o.FAR <= 0 || o.FAR >= 1) {
		return usagef("verify: --far %g: want a rate in (0, 1)", o.FAR)
	}
	e, err := openEmbedder(o.Model, o.Stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	thr, cal, err := e.threshold(o.Dev, o.Calibration, o.Threshold, o.FAR)
	if err != nil {
		return err
	}
	a, err := e.embedFiles(ctx, "verify: A", o.A)
	if err != nil {
		return err
	}
	b, err := e.embedFiles(ctx, "verify: B", o.B)
	if err != nil {
		return err
	}
	r := verifyResult{A: a.Sources, B: b.Sources, Threshold: thr.value, From: thr.from}
	r.Score = cosineScore(meanRow(a.Emb, a.Dim), meanRow(b.Emb, b.Dim))
	r.Accepted = r.Score >= r.Threshold
	if cal != nil {
		far, frr := cal.At(r.Threshold)
		r.FAR, r.FRR = &far, &frr
	}
	if err := printVerify(w, r, o.JSON); err != nil {
		return err
	}
	if o.ExitStatus && !r.Accepted {
		return errRejected
	}
	return nil
}

// threshold is the decision threshold and where it came from.
type threshold struct {
	value float64
	from  string
}

func pickThreshold(cal *eval.Calibration, from string, thr, far float64) (threshold, error) {
	switch {
	case !math.IsNaN(thr):
		return threshold{thr, "--threshold"}, nil
	case cal == nil:
		return threshold{}, usagef("the model has no calibration (assets/%s): give --threshold T, --dev DIR of dev embeddings, or --calibration FILE (voxsiam calibrate)", eval.CalibrationAsset)
	case !math.IsNaN(far):
		t, _, ok := cal.ForFAR(far)
		if !ok {
			return threshold{}, usagef("--far %g: no threshold of %s reaches it", far, from)
		}
		return threshold{t, fmt.Sprintf("--far %g on %s", far, from)}, nil
	}
	return threshold{cal.Threshold, "equal error rate of " + from}, nil
}

// loadCalibration reads the calibration: dev embeddings (calibrated now),
// else a file, else the model's assets/calibration.json; nil when none.
func loadCalibration(model, dev, file string) (*eval.Calibration, string, error) {
	switch {
	case dev != "":
		c, err := calibrateDir(dev, 200)
		return c, "dev embeddings " + dev, err
	case file != "":
		c, err := eval.ReadCalibration(file)
		return c, file, err
	}
	p := filepath.Join(model, "assets", eval.CalibrationAsset)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	c, err := eval.ReadCalibration(p)
	if err != nil {
		return nil, "", err
	}
	return c, "the model's calibration (" + c.Dev + ")", nil
}

func printVerify(w io.Writer, r verifyResult, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	verdict := "different speakers (rejected)"
	if r.Accepted {
		verdict = "same speaker (accepted)"
	}
	fmt.Fprintf(w, "score %.4f, threshold %.4f (%s): %s\n", r.Score, r.Threshold, r.From, verdict)
	if r.FAR != nil {
		fmt.Fprintf(w, "at this threshold, on the dev trials: %.2f%% of different-speaker pairs are accepted (FAR), %.2f%% of same-speaker pairs rejected (FRR)\n", 100**r.FAR, 100**r.FRR)
	}
	return nil
}
