package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/train/metrics"
)

type plotOptions struct {
	Run, Out string
	JSON     bool
}

func newPlotCommand() *cli.Command {
	o := &plotOptions{}
	return &cli.Command{
		Name:      "plot",
		Usage:     "draw training curves (loss, validation accuracy, EER, MR) of a run as PNG",
		UsageText: "voxsiam plot --run <run dir> [--out dir]",
		Description: "Reads <run>/metrics.jsonl and writes loss.png, accuracy.png, eer.png and mr.png\n" +
			"(figures without data are skipped).\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "run", Usage: "run `DIR` (voxsiam train --out)", Required: true, Category: "Input", Destination: &o.Run},
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default <run>/plots)", Category: "Output", Destination: &o.Out},
			&cli.BoolFlag{Name: "json", Usage: "print the written files as JSON", Category: "Output", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error { return runPlot(c.Context, o, c.App.Writer) },
	}
}

func runPlot(_ context.Context, o *plotOptions, w io.Writer) error {
	rows, err := metrics.Read(filepath.Join(o.Run, "metrics.jsonl"))
	if err != nil {
		return errs.BadData("plot: %w", err)
	}
	if len(rows) == 0 {
		return errs.BadData("plot: %s: no metrics rows yet", filepath.Join(o.Run, "metrics.jsonl"))
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Run, "plots")
	}
	files, err := metrics.Plot(rows, out)
	if err != nil {
		return err
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(map[string]any{"files": files})
	}
	for _, f := range files {
		fmt.Fprintln(w, f)
	}
	return nil
}
