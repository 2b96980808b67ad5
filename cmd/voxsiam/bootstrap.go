package main

import (
	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval"
)

// bootstrapHelp describes the interval next to the EER (eval and score).
const bootstrapHelp = `The EER is printed with its 95% confidence interval over speakers, "EER 12.30% [10.10, 14.80]":
--bootstrap resamples of the speakers the trials name, drawn with replacement (seed 1); a
target trial of a speaker drawn c times counts c times, a non-target trial of speakers drawn
a and b times a*b times; percentile interval (eval.Bootstrap). Also for minDCF in --json
("bootstrap"). It needs the speakers of the trials' utterances (utt2spk); 0 turns it off.

`

func bootstrapFlag() cli.Flag {
	return &cli.IntFlag{Name: "bootstrap", Value: eval.BootstrapB, Usage: "speaker resamples of the 95% EER/minDCF intervals (0: none)", Category: clusterCategory}
}

// bootstrapResamples turns the --bootstrap value into report's setting
// (negative: none) or a usage error.
func bootstrapResamples(n int) (int, error) {
	switch {
	case n < 0:
		return 0, usagef("--bootstrap must be >= 0 (0: no interval)")
	case n == 0:
		return -1, nil
	}
	return n, nil
}
