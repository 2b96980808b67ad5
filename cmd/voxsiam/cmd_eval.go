package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/eval/report"
)

// evalOptions are the flags of `voxsiam eval`.
type evalOptions struct {
	report.Config
	backendOptions
	MethodName, Distance string
	JSON                 bool
	Stderr               io.Writer
}

func newEvalCommand() *cli.Command {
	return &cli.Command{
		Name:     "eval",
		Usage:    "evaluate embeddings: clustering, verification, thresholds, report with plots",
		Category: clusterCategory,
		Description: `Writes <out>/report.json, report.md and PNG figures (DET curve, score histograms with
thresholds, dendrogram with the cut line, PCA map by speaker). Clustering is cut at the true
number of speakers, at the threshold tuned on --dev (if given) and at the oracle level (best
MR over all levels, always labelled "oracle"); MR is exact (optimal one-to-one speaker-cluster
mapping), with the ZHAW reference code's greedy value beside it (mr_zhaw in report.json). Verification uses --trials, or all pairs of
utterances (sampled beyond --max-pairs); --dev also supplies the pair-accuracy and EER
thresholds that are applied to the test scores (accuracy, precision, recall, F1).
--ref-rttm with --hyp-rttm adds the diarization error rate (optimal speaker mapping,
--collar 0 by default). A trained back-end scores the test, dev and all-pairs trials and gives
the clustering distances; the dendrogram's distance is then the back-end's. --asnorm-cohort
DIR (as a rule the --backend-train set) applies adaptive s-norm to the verification scores,
test and dev alike, with the --topk best cohort scores per side, the cohort scored by the same
back-end; clustering keeps the back-end's distances (an AS-norm score is a z-score against the
cohort, not a distance). A --topk above the cohort's size is a usage error.

` + bootstrapHelp + backendHelp + exitStatusHelp,
		Flags: append([]cli.Flag{
			embeddingsFlag(), methodFlag(), distanceFlag(), jsonFlag(),
			&cli.StringFlag{Name: "labels", Usage: "utt2spk with the true speakers (default: <embeddings>/utt2spk)", Category: clusterCategory},
			&cli.StringFlag{Name: "trials", Usage: "trial list (default: all pairs)", Category: clusterCategory},
			&cli.StringFlag{Name: "dev", Usage: "development embeddings directory for thresholds", Category: clusterCategory},
			&cli.IntFlag{Name: "max-pairs", Value: 500000, Usage: "largest number of all-pairs trials", Category: clusterCategory},
			&cli.StringFlag{Name: "out", Required: true, Usage: "report directory", Category: clusterCategory},
			&cli.StringFlag{Name: "ref-rttm", Usage: "reference RTTM for DER (with --hyp-rttm)", Category: clusterCategory},
			&cli.StringFlag{Name: "hyp-rttm", Usage: "hypothesis RTTM for DER, e.g. from voxsiam cluster --rttm", Category: clusterCategory},
			&cli.Float64Flag{Name: "collar", Usage: "DER collar in seconds (total width around reference boundaries)", Category: clusterCategory},
			bootstrapFlag(),
		}, append(backendFlags(), asnormFlags()...)...),
		Action: func(c *cli.Context) error {
			opts := evalOptions{
				Config: report.Config{
					Embeddings: c.String("embeddings"), Labels: c.String("labels"), Trials: c.String("trials"),
					Dev: c.String("dev"), Out: c.String("out"), MaxPairs: c.Int("max-pairs"),
					RefRTTM: c.String("ref-rttm"), HypRTTM: c.String("hyp-rttm"), Collar: c.Float64("collar"),
					ASNorm: readASNormFlags(c), Bootstrap: c.Int("bootstrap"),
				},
				backendOptions: readBackendFlags(c),
				MethodName:     c.String("method"), Distance: c.String("distance"), JSON: c.Bool("json"),
				Stderr: c.App.ErrWriter,
			}
			return runEval(c.Context, opts, c.App.Writer)
		},
	}
}

// runEval builds the report and prints its summary (or report.json).
func runEval(ctx context.Context, opts evalOptions, w io.Writer) error {
	var err error
	if opts.Method, opts.Metric, err = parseAlgo(opts.MethodName, opts.Distance); err != nil {
		return err
	}
	if opts.Config.Backend, err = opts.backendOptions.config(opts.Distance); err != nil {
		return err
	}
	if err := checkASNorm(opts.ASNorm); err != nil {
		return err
	}
	if opts.Bootstrap, err = bootstrapResamples(opts.Bootstrap); err != nil {
		return err
	}
	if opts.MaxPairs < 1 {
		return usagef("eval: --max-pairs must be >= 1")
	}
	if (opts.RefRTTM == "") != (opts.HypRTTM == "") || opts.Collar < 0 {
		return usagef("eval: DER needs both --ref-rttm and --hyp-rttm, and a collar >= 0")
	}
	if !opts.JSON {
		opts.Log = opts.Stderr
	}
	r, err := report.Build(opts.Config)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	if c := r.Clustering; c != nil {
		for _, k := range c.Cuts {
			fmt.Fprintf(w, "%-14s %3d clusters  MR %6.2f%% (ZHAW %6.2f%%)  ACP %.4f  ARI %.4f  NMI %.4f\n", k.Name, k.Clusters, 100*k.MR, 100*k.MRZHAW, k.ACP, k.ARI, k.NMI)
		}
	}
	if v := r.Verification; v != nil {
		if a := r.ASNorm; a != nil {
			fmt.Fprintf(w, "AS-norm: %s\n", a)
		}
		fmt.Fprintf(w, "EER %s  minDCF(0.01) %.4f  minDCF(0.05) %.4f  (%d trials, %s)\n", report.FormatEER(v.EER, v.Bootstrap), v.MinDCF01, v.MinDCF05, v.Trials, v.Source)
		for _, t := range v.Thresholds {
			fmt.Fprintf(w, "%-16s threshold %.4f  accuracy %.4f  precision %.4f  recall %.4f\n", t.Name, t.Threshold, t.Accuracy, t.Precision, t.Recall)
		}
	}
	if d := r.Diarization; d != nil {
		fmt.Fprintf(w, "DER %.2f%%  (missed %.2f s, false alarm %.2f s, confusion %.2f s of %.2f s)\n", 100*d.DER, d.Missed, d.FalseAlarm, d.Confusion, d.Total)
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(opts.Out, "report.md"))
	return nil
}
