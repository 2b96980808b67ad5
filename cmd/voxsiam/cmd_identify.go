package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/spkdb"
)

// identifyOptions are the flags of `voxsiam identify`.
type identifyOptions struct {
	DB, Model, Dev, Calibration string
	Files                       []string
	Top                         int
	Threshold, FAR              float64 // NaN: not given
	JSON, ExitStatus            bool
	Stderr                      io.Writer // warnings; nil: discarded
}

// Unknown is identify's answer when no enrolled speaker reaches the threshold.
const Unknown = "unknown"

// identified is identify's answer for one file (--json: one object a line).
type identified struct {
	File      string      `json:"file"`
	Speaker   string      `json:"speaker"` // the best speaker, or "unknown" below the threshold
	Score     float64     `json:"score"`   // the best speaker's
	Threshold float64     `json:"threshold"`
	Top       []candidate `json:"top"`
}

type candidate struct {
	Speaker string  `json:"speaker"`
	Score   float64 `json:"score"` // cosine similarity of the file's embedding and the speaker's mean
}

func newIdentifyCommand() *cli.Command {
	o := &identifyOptions{}
	return &cli.Command{
		Name:      "identify",
		Usage:     "who is speaking? rank the enrolled speakers for each file, or say unknown",
		UsageText: "voxsiam identify --db DIR [--top K] [--threshold T | --far F] [--json] FILES...",
		Description: "Embeds each audio file (folders: their audio files) and scores it against every enrolled\n" +
			"speaker's mean (cosine similarity). Prints the top K speakers; the answer is the best one when\n" +
			"its score reaches the threshold, else \"unknown\" (open-set rejection). The threshold is the\n" +
			"model's calibrated one (see voxsiam verify), --dev/--calibration, --far or --threshold.\n" +
			"With --exit-status: 4 when any file is unknown.\n" + exitStatusHelp +
			"   4    (with --exit-status) a file matched no enrolled speaker\n",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Usage: "database `DIR` (voxsiam enroll)", Required: true, Destination: &o.DB},
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR` (default: the shipped model; must be the enrollment's)", Destination: &o.Model},
			&cli.IntFlag{Name: "top", Usage: "speakers listed per file", Value: 3, Destination: &o.Top},
			&cli.Float64Flag{Name: "threshold", Usage: "answer unknown below this score `T`", Value: math.NaN()},
			&cli.Float64Flag{Name: "far", Usage: "threshold with at most this false-accept `RATE` on the dev trials", Value: math.NaN()},
			&cli.StringFlag{Name: "dev", Usage: "dev embeddings `DIR` to calibrate on", Destination: &o.Dev},
			&cli.StringFlag{Name: "calibration", Usage: "calibration `FILE`", Destination: &o.Calibration},
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per file", Destination: &o.JSON},
			&cli.BoolFlag{Name: "exit-status", Usage: "exit 4 when a file is unknown", Destination: &o.ExitStatus},
		},
		Action: func(c *cli.Context) error {
			o.Files, o.Stderr = c.Args().Slice(), c.App.ErrWriter
			o.Threshold, o.FAR = c.Float64("threshold"), c.Float64("far")
			return runIdentify(c.Context, o, c.App.Writer)
		},
	}
}

func runIdentify(ctx context.Context, o *identifyOptions, w io.Writer) error {
	switch {
	case len(o.Files) == 0:
		return usagef("identify: no audio files given")
	case o.Top < 1:
		return usagef("identify: --top %d: want >= 1", o.Top)
	case !math.IsNaN(o.Threshold) && !math.IsNaN(o.FAR):
		return usagef("identify: give --threshold or --far, not both")
	}
	e, err := openEmbedder(o.Model, o.Stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	db, err := e.openDB(o.DB, 0, false)
	if err != nil {
		return err
	}
	if len(db.Names) == 0 {
		return usagef("identify: %s has no enrolled speakers (voxsiam enroll --db %s --speaker NAME FILES...)", o.DB, o.DB)
	}
	thr, _, err := e.threshold(o.Dev, o.Calibration, o.Threshold, o.FAR)
	if err != nil {
		return err
	}
	x, err := e.embedFiles(ctx, "identify", o.Files)
	if err != nil {
		return err
	}
	unknown := false
	for i, f := range x.Sources {
		r := rank(db, x.Row(i), o.Top)
		r.File, r.Threshold = f, thr.value
		if r.Score < thr.value {
			r.Speaker, unknown = Unknown, true
		}
		if err := printIdentified(w, r, o.JSON); err != nil {
			return err
		}
	}
	if o.ExitStatus && unknown {
		return errRejected
	}
	return nil
}

// rank scores q against every enrolled mean and keeps the best top.
func rank(db *spkdb.DB, q []float32, top int) identified {
	d := db.Meta.Dim
	all := make([]candidate, len(db.Names))
	for i, n := range db.Names {
		all[i] = candidate{Speaker: n, Score: cosineScore(q, db.Means[i*d:(i+1)*d])}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Score > all[b].Score })
	r := identified{Top: all[:min(top, len(all))], Speaker: all[0].Speaker, Score: all[0].Score}
	return r
}

func printIdentified(w io.Writer, r identified, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	fmt.Fprintf(w, "%s\t%s\t%.4f", r.File, r.Speaker, r.Score)
	for _, c := range r.Top {
		fmt.Fprintf(w, "\t%s:%.4f", c.Speaker, c.Score)
	}
	_, err := fmt.Fprintln(w)
	return err
}
