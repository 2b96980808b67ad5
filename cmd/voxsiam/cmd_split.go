package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/dataset"
)

// splitOptions are the flags of `voxsiam split`.
type splitOptions struct {
	Store     string
	Out       string
	Val, Test int
	Seed      uint64
	ZHAW      bool
	JSON      bool
	Stderr    io.Writer
}

func newSplitCommand() *cli.Command {
	const cat = "split"
	return &cli.Command{
		Name:     "split",
		Usage:    "split a feature store's speakers into train/val/test lists",
		Category: "data",
		Description: `Writes <out>/train.list, val.list and test.list (one speaker id per line). Speakers of
one group (speakers.tsv: the base voice of a synthetic corpus) stay in one list. The split is
reproducible for a seed. With --zhaw it also writes the feature stores <out>/test-zhaw and
<out>/val-zhaw with two utterances per test (validation) speaker, as in the ZHAW speaker
clustering protocol: the frames of the first 80% of the speaker's utterances (sorted by id;
TIMIT: sentences 1-8) concatenated, and of the remaining 20% (9-10). Use them with
'voxsiam embed --in <out>/test-zhaw'; val-zhaw gives thresholds tuned on matching lengths.
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "store", Required: true, Usage: "feature store", Category: cat},
			&cli.StringFlag{Name: "out", Required: true, Usage: "directory for the lists", Category: cat},
			&cli.IntFlag{Name: "val", Value: 10, Usage: "validation speakers (at least; whole groups)", Category: cat},
			&cli.IntFlag{Name: "test", Value: 40, Usage: "test speakers (at least; whole groups)", Category: cat},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed", Category: cat},
			&cli.BoolFlag{Name: "zhaw", Usage: "also write the ZHAW two-utterance stores <out>/test-zhaw and <out>/val-zhaw", Category: cat},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: cat},
		},
		Action: func(c *cli.Context) error {
			return runSplit(c.Context, splitOptions{Store: c.String("store"), Out: c.String("out"),
				Val: c.Int("val"), Test: c.Int("test"), Seed: c.Uint64("seed"), ZHAW: c.Bool("zhaw"),
				JSON: c.Bool("json"), Stderr: c.App.ErrWriter}, c.App.Writer)
		},
	}
}

// runSplit writes the lists and, with ZHAW, the derived stores.
func runSplit(ctx context.Context, opts splitOptions, w io.Writer) error {
	r, err := dataset.SplitStore(ctx, dataset.SplitStoreOptions{Store: opts.Store, Out: opts.Out,
		Val: opts.Val, Test: opts.Test, Seed: opts.Seed, ZHAW: opts.ZHAW, Warn: opts.Stderr})
	if err != nil {
		return err
	}
	if opts.JSON {
		return json.NewEncoder(w).Encode(r)
	}
	fmt.Fprintf(w, "split %s: %d train, %d val, %d test speakers -> %s\n", opts.Store, r.Train, r.Val, r.Test, opts.Out)
	if opts.ZHAW {
		fmt.Fprintf(w, "ZHAW stores: %s (%d utterances), %s (%d utterances)\n",
			r.TestZHAWStore, r.TestZHAWUtterances, r.ValZHAWStore, r.ValZHAWUtterances)
	}
	return nil
}
