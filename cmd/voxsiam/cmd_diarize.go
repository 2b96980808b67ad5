package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/diarize"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/baseline"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/source"
)

// diarizeOptions are the flags of `voxsiam diarize`.
type diarizeOptions struct {
	Recordings                         []string
	Embedder                           string // "model" or "baseline" (MFCC statistics, tools/baseline)
	Out, Model, Dev, Calibration, Ref  string // Ref: reference RTTM to score against
	Speakers, MinSpeakers, MaxSpeakers int
	Threshold                          float64 // NaN: the calibration's
	Window, Hop                        float64 // seconds
	ExportWindows                      bool    // write <out>/windows (a Kaldi data dir) and stop
	WindowEmbeddings                   string  // precomputed window embeddings instead of the embedder
	Stderr                             io.Writer
}

// diarized is one recording's answer (<out>/<rec>.json).
type diarized struct {
	File      string         `json:"file"`
	Recording string         `json:"recording"` // the RTTM file id
	Seconds   float64        `json:"seconds"`
	Speech    float64        `json:"speech_seconds"`
	Speakers  int            `json:"speakers"`
	Threshold *float64       `json:"threshold"` // same-speaker cosine of the estimate; null with --speakers
	Turns     []eval.Segment `json:"turns"`
}

func newDiarizeCommand() *cli.Command {
	o := &diarizeOptions{}
	return &cli.Command{
		Name:      "diarize",
		Usage:     "who spoke when: speaker turns of recordings as RTTM and JSON",
		UsageText: "voxsiam diarize [--speakers N | --min-speakers A --max-speakers B] [--model DIR] --out DIR REC...",
		Description: "Decodes each recording once, finds speech by energy, embeds sliding windows (--window,\n" +
			"--hop) over it, clusters the windows of the recording (average linkage, cosine) into --speakers\n" +
			"speakers or into as many as the model's calibrated same-speaker threshold gives (bounded by\n" +
			"--min/--max-speakers), gives each 10 ms of speech to the nearest window's speaker and merges\n" +
			"adjacent frames into turns. Writes <out>/<rec>.rttm and <out>/<rec>.json per recording and\n" +
			"<out>/all.rttm. What the energy detector misses: docs/answers.md.\n" +
			"Another embedder: --export-windows writes the windows as a Kaldi data dir <out>/windows;\n" +
			"embed it (embeddings.npy + utt.list, ids as in its segments) and cluster those rows with\n" +
			"--window-embeddings DIR, the same recordings, --window and --hop.\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "output `DIR`", Required: true, Destination: &o.Out},
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR` (default: the shipped model)", Destination: &o.Model},
			&cli.IntFlag{Name: "speakers", Usage: "number of speakers `N` in each recording (default: estimated)", Destination: &o.Speakers},
			&cli.IntFlag{Name: "min-speakers", Usage: "at least `N` speakers when estimating", Value: 1, Destination: &o.MinSpeakers},
			&cli.IntFlag{Name: "max-speakers", Usage: "at most `N` speakers when estimating (0: no bound)", Destination: &o.MaxSpeakers},
			&cli.Float64Flag{Name: "threshold", Usage: "same-speaker cosine `T` for estimating (default: the model's calibration)", Value: math.NaN()},
			&cli.StringFlag{Name: "dev", Usage: "dev embeddings `DIR` to calibrate the threshold on", Destination: &o.Dev},
			&cli.StringFlag{Name: "calibration", Usage: "calibration `FILE`", Destination: &o.Calibration},
			&cli.StringFlag{Name: "embedder", Usage: "model | baseline (the MFCC statistics of voxsiam baseline, on the model's log-mel frames; give it its own --calibration or --threshold)", Value: "model", Destination: &o.Embedder},
			&cli.StringFlag{Name: "ref", Usage: "reference RTTM `FILE`: print the DER (no collar and ±0.25 s) and write der.json", Destination: &o.Ref},
			&cli.Float64Flag{Name: "window", Usage: "window `SECONDS`", Value: 1.5, Destination: &o.Window},
			&cli.Float64Flag{Name: "hop", Usage: "window hop `SECONDS`", Value: 0.75, Destination: &o.Hop},
			&cli.BoolFlag{Name: "export-windows", Usage: "write the windows as a Kaldi data dir <out>/windows (wav.scp, segments, utt2spk) for another embedder, and stop", Destination: &o.ExportWindows},
			&cli.StringFlag{Name: "window-embeddings", Usage: "embeddings `DIR` (embeddings.npy, utt.list) of the --export-windows windows, clustered instead of embedding (give its own --calibration or --threshold)", Destination: &o.WindowEmbeddings},
		},
		Action: func(c *cli.Context) error {
			o.Recordings, o.Stderr, o.Threshold = c.Args().Slice(), c.App.ErrWriter, c.Float64("threshold")
			return runDiarize(c.Context, o, c.App.Writer)
		},
	}
}

func runDiarize(ctx context.Context, o *diarizeOptions, w io.Writer) error {
	switch {
	case len(o.Recordings) == 0:
		return usagef("diarize: no recordings given")
	case o.Speakers < 0 || o.MinSpeakers < 0 || o.MaxSpeakers < 0 || (o.MaxSpeakers > 0 && o.MinSpeakers > o.MaxSpeakers):
		return usagef("diarize: --speakers %d, --min-speakers %d, --max-speakers %d: want >= 0 and min <= max", o.Speakers, o.MinSpeakers, o.MaxSpeakers)
	case o.Embedder != "model" && o.Embedder != "baseline":
		return usagef("diarize: --embedder %q: want model or baseline", o.Embedder)
	case o.WindowEmbeddings != "" && (o.Embedder != "model" || o.ExportWindows):
		return usagef("diarize: --window-embeddings replaces the embedder: give it without --embedder and --export-windows")
	case o.Embedder == "baseline" && o.Speakers == 0 && math.IsNaN(o.Threshold) && o.Calibration == "" && o.Dev == "":
		return usagef("diarize: --embedder baseline needs its own threshold: --calibration FILE (voxsiam calibrate on voxsiam baseline embeddings), --dev DIR, --threshold T or --speakers N")
	case o.WindowEmbeddings != "" && o.Speakers == 0 && math.IsNaN(o.Threshold) && o.Calibration == "" && o.Dev == "":
		return usagef("diarize: --window-embeddings needs the threshold of its embedder: --calibration FILE (voxsiam calibrate on that embedder's dev embeddings), --dev DIR, --threshold T or --speakers N")
	case !(o.Window >= 0.4 && o.Hop > 0 && o.Hop <= o.Window):
		return usagef("diarize: --window %g --hop %g: want window >= 0.4 s and 0 < hop <= window", o.Window, o.Hop)
	}
	files, err := audioFiles(o.Recordings)
	if err != nil {
		return err
	}
	seen := map[string]string{}
	for _, f := range files {
		if prev, dup := seen[recordingID(f)]; dup {
			return usagef("diarize: %s and %s would both write %s.rttm (the file name without extension): diarize them into different --out directories", prev, f, recordingID(f))
		}
		seen[recordingID(f)] = f
	}
	e, err := openEmbedder(o.Model, o.Stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	if o.ExportWindows {
		return exportWindows(ctx, e, files, o, w)
	}
	var pre *windowEmbeddings
	if o.WindowEmbeddings != "" {
		if pre, err = readWindowEmbeddings(o.WindowEmbeddings); err != nil {
			return err
		}
	}
	warn := e.warn
	thr := o.Threshold
	if math.IsNaN(thr) && o.Speakers == 0 {
		t, _, err := e.threshold(o.Dev, o.Calibration, math.NaN(), math.NaN())
		if err != nil {
			return fmt.Errorf("diarize: %w (or give --speakers N)", err)
		}
		thr = t.value
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	var all []eval.Segment
	failed := 0
	for _, f := range files {
		d, err := diarizeOne(ctx, e, f, o, thr, pre, warn)
		if err != nil {
			if ctx.Err() != nil || !errorsIsBadData(err) {
				return err
			}
			fmt.Fprintf(warn, "warning: skipped %s: %v\n", f, err)
			failed++
			continue
		}
		if err := writeDiarized(o.Out, d); err != nil {
			return err
		}
		all = append(all, d.Turns...)
		fmt.Fprintf(w, "%s: %d speakers, %d turns, %.1f s of speech in %.1f s\n", f, d.Speakers, len(d.Turns), d.Speech, d.Seconds)
	}
	if pre != nil {
		pre.unused(warn)
	}
	if err := writeRTTMFile(filepath.Join(o.Out, "all.rttm"), all); err != nil {
		return err
	}
	if failed == len(files) {
		return errs.BadData("diarize: no recording could be diarized (%d skipped, reasons above)", failed)
	}
	if o.Ref != "" {
		return scoreDiarized(w, o.Out, o.Ref, all)
	}
	return nil
}

// derCollars are the collars diarize --ref reports (total width around
// each reference boundary, as eval.DER and pyannote take them: 0.5 is
// md-eval's and dscore's "0.25").
var derCollars = []float64{0, 0.5}

// scoreDiarized compares the turns with the reference RTTM, over the
// recordings diarized (reference files not diarized are left out).
func scoreDiarized(w io.Writer, out, refPath string, hyp []eval.Segment) error {
	ref, err := eval.ReadRTTM(refPath)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, s := range hyp {
		done[s.File] = true
	}
	kept := ref[:0]
	for _, s := range ref {
		if done[s.File] {
			kept = append(kept, s)
		}
	}
	res := map[string]eval.DERResult{}
	for _, c := range derCollars {
		r := eval.DER(kept, hyp, c)
		res[fmt.Sprintf("collar_%g", c)] = r
		fmt.Fprintf(w, "DER %.2f%% at collar %g s (±%g): missed %.2f%%, false alarm %.2f%%, confusion %.2f%% of %.1f s\n",
			100*r.DER, c, c/2, 100*r.Missed/r.Total, 100*r.FalseAlarm/r.Total, 100*r.Confusion/r.Total, r.Total)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "der.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	return nil
}

// recordingID is the RTTM file id of recording f: its name without
// extension, blanks replaced by "_".
func recordingID(f string) string {
	return strings.Join(strings.Fields(strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))), "_")
}

// minDiarizeSeconds is the shortest recording diarize takes.
const minDiarizeSeconds = 0.5

// diarizeOne embeds the windows of f and clusters them into turns.
func diarizeOne(ctx context.Context, e *fileEmbedder, f string, o *diarizeOptions, thr float64, pre *windowEmbeddings, warn io.Writer) (*diarized, error) {
	r, err := windowRecording(ctx, e, f, o, pre == nil, warn)
	if err != nil {
		return nil, err
	}
	d := r.d
	if o.Speakers == 0 {
		d.Threshold = &thr
	}
	var emb []float32
	var dim int
	if pre != nil {
		emb, dim, err = pre.rows(d.Recording, r.inputs)
	} else {
		emb, dim, err = embedWindows(ctx, e, r.inputs, o.Embedder, r.cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("diarize: %s: %w", f, err)
	}
	labels := diarize.Cluster(emb, dim, diarize.ClusterOptions{Speakers: o.Speakers,
		MinSpeakers: o.MinSpeakers, MaxSpeakers: o.MaxSpeakers, Threshold: thr})
	for _, l := range labels {
		d.Speakers = max(d.Speakers, l)
	}
	d.Turns = diarize.Turns(d.Recording, r.speech, r.wins, labels, 0.01)
	return d, nil
}

// embedWindows embeds each window with the model, or with the baseline
// statistics of its frames; row-major [len(inputs), dim].
func embedWindows(ctx context.Context, e *fileEmbedder, inputs []source.Input, embedder string, cfg feature.Config) ([]float32, int, error) {
	if embedder == "baseline" {
		b, err := baseline.NewEmbedder(cfg.NMels, cfg.Kind, baseline.Options{})
		if err != nil {
			return nil, 0, err
		}
		out := make([]float32, 0, len(inputs)*b.Dim())
		for _, in := range inputs {
			frames, n, _, err := in.Load(ctx)
			if err != nil {
				return nil, 0, err
			}
			v, _ := b.Embed(nil, frames, n)
			out = append(out, v...)
		}
		return out, b.Dim(), nil
	}
	res, err := embed.Extract(ctx, e.m, inputs, embed.ExtractOptions{})
	if err != nil {
		return nil, 0, err
	}
	if len(res.IDs) != len(inputs) {
		return nil, 0, fmt.Errorf("%d of %d windows embedded%s", len(res.IDs), len(inputs), embed.SkippedList(res.Skipped))
	}
	return res.Emb, res.Dim, nil
}

func writeDiarized(out string, d *diarized) error {
	if err := writeRTTMFile(filepath.Join(out, d.Recording+".rttm"), d.Turns); err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, d.Recording+".json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	return nil
}

func writeRTTMFile(path string, segs []eval.Segment) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	if err := eval.WriteRTTM(f, segs); err != nil {
		f.Close()
		return fmt.Errorf("diarize: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("diarize: write %s: %w", path, err)
	}
	return nil
}

func errorsIsBadData(err error) bool { return errors.Is(err, errs.ErrBadData) }
