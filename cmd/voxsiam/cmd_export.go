package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/convert"
	"github.com/voxsiam/voxsiam/train"
)

// exportOptions are the flags of `voxsiam export`.
type exportOptions struct {
	Run, Checkpoint, Out string
	Precision, Layer     string
	Format, Python       string // savedmodel (""), tflite or onnx; the venv's python for the converters
	Average              int
	JSON, NoCalibrate    bool
	Stderr               io.Writer // why the model is not calibrated; nil: discarded
}

func newExportCommand() *cli.Command {
	o := &exportOptions{}
	cat := "Export"
	return &cli.Command{
		Name:      "export",
		Usage:     "write a training run's checkpoint as a TensorFlow SavedModel",
		UsageText: "voxsiam export --run <run dir> [--checkpoint N|best|latest] [--average N] --out <dir>",
		Description: "Builds the inference graph of the run's [model] configuration, restores the\n" +
			"checkpoint and writes a SavedModel (tags serve) with the signatures\n" +
			"serving_default (spectrogram [batch, 40, 128] -> embedding), distribution and\n" +
			"pair_distance (spectrogram_a, spectrogram_b -> symmetric KL), embed_waveform\n" +
			"(waveform [batch, samples] at the features' rate, lengths -> embedding, segments;\n" +
			"features, trimming, segments and pooling in the graph), plus\n" +
			"assets/voxsiam.json (feature settings, segment length, pooling, precision) for voxsiam embed.\n" +
			"--precision bf16 serves with bfloat16 matrix products (float32 in and out); int8 stores\n" +
			"int8 kernels with per-output-channel scales, multiplied in int8 (uint8 activations, exact\n" +
			"int32 sums; with --format tflite|onnx dequantised to float32 products, which the converters take).\n" +
			"--average N exports the mean of the weights of the N newest checkpoints the run keeps\n" +
			"at or before --checkpoint (checkpoint averaging, as WeSpeaker's average_model.py;\n" +
			"training keeps [train] keep of them besides the best).\n" +
			"Python loads it with tf.saved_model.load(dir).\n" +
			"The export is then calibrated as voxsiam calibrate --model does it: the run's validation\n" +
			"speakers (val.list) are embedded from its feature store ([data] store) and the threshold at\n" +
			"their equal error rate, with the false-accept and false-reject rates around it, goes to\n" +
			"assets/calibration.json, which verify, identify and diarize read. When the store is gone or\n" +
			"the run held out fewer than 2 speakers a note says so and the model is not calibrated;\n" +
			"a store that is there but unreadable is an error before anything is written.\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "run", Usage: "training run `DIR` (config.toml, features.json, checkpoints/)", Category: cat, Destination: &o.Run},
			&cli.StringFlag{Name: "checkpoint", Usage: "`N` (step), best, latest, or a checkpoint name such as ckpt-1200", Value: "latest", Category: cat, Destination: &o.Checkpoint},
			&cli.StringFlag{Name: "out", Usage: "SavedModel `DIR` to create (must not exist)", Category: cat, Destination: &o.Out},
			&cli.StringFlag{Name: "precision", Usage: "serving graph precision: fp32 | bf16 | int8 (independent of the training precision)", Value: "fp32", Category: cat, Destination: &o.Precision},
			&cli.StringFlag{Name: "layer", Usage: "the layer exported as the embedding: L3 (BLSTM2 output) | L4 (dense 1) | L5 (its dropout, = L4 when serving) | L6 (dense 2) | L7 (output logits); default: the run's [model] embedding_layer (L3, published)", Category: cat, Destination: &o.Layer},
			&cli.IntFlag{Name: "average", Usage: "export the mean weights of the `N` newest kept checkpoints at or before --checkpoint (1: that checkpoint alone)", Value: 1, Category: cat, Destination: &o.Average},
			&cli.StringFlag{Name: "format", Usage: "savedmodel | tflite | onnx: tflite and onnx write the SavedModel to <out>/savedmodel, then <out>/serving_default.<format> and <out>/embed_waveform.<format> with the assets and manifest.json beside them (converters run in --python: make setup installs them)", Value: "savedmodel", Category: cat, Destination: &o.Format},
			&cli.StringFlag{Name: "python", Usage: "the `PYTHON` with tensorflow (tflite) or tf2onnx and onnx (onnx); default $VOXSIAM_PYTHON, else python3", Category: cat, Destination: &o.Python},
			&cli.BoolFlag{Name: "no-calibrate", Usage: "do not calibrate the verification threshold on the run's validation speakers", Category: cat, Destination: &o.NoCalibrate},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON summary", Category: "Output", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error {
			o.Stderr = c.App.ErrWriter
			return runExport(c.Context, o, c.App.Writer)
		},
	}
}

// exportSummary is the --json output of export.
type exportSummary struct {
	*train.Exported
	Calibration *exportCalibration `json:"calibration"`
}

func runExport(ctx context.Context, o *exportOptions, w io.Writer) error {
	if o.Run == "" || o.Out == "" {
		return usagef("export: --run and --out are required")
	}
	if o.Format == "" {
		o.Format = formatSavedModel
	}
	if o.Format != formatSavedModel && !slices.Contains(convert.Formats, o.Format) {
		return usagef("export: --format %q: want %s or %s", o.Format, formatSavedModel, strings.Join(convert.Formats, ", "))
	}
	if o.Format != formatSavedModel {
		return runExportConverted(ctx, o, w)
	}
	text := w
	if o.JSON {
		text = io.Discard
	}
	sum, err := exportSavedModel(ctx, o, text)
	if err != nil || !o.JSON {
		return err
	}
	return json.NewEncoder(w).Encode(sum)
}

// exportSavedModel writes the SavedModel of o to o.Out, calibrates it
// (unless --no-calibrate or the run has no validation speakers) and prints
// its progress lines to text.
func exportSavedModel(ctx context.Context, o *exportOptions, text io.Writer) (*exportSummary, error) {
	var dev *devSet
	skipped := "--no-calibrate"
	if run, err := train.OpenRun(o.Run); err == nil && !o.NoCalibrate { // not a run: Export says so
		if dev, skipped, err = runDevSet(run); err != nil {
			return nil, err
		}
	}
	sum, err := train.Export(train.ExportOptions{Run: o.Run, Checkpoint: o.Checkpoint, Out: o.Out, Precision: o.Precision, Layer: o.Layer, Average: o.Average,
		FloatInt8: o.Format != formatSavedModel})
	if err != nil {
		return nil, err
	}
	from := sum.Checkpoint
	if len(sum.Averaged) > 1 {
		from = fmt.Sprintf("the mean of %d checkpoints (%s ... %s)", len(sum.Averaged), filepath.Base(sum.Averaged[0]), filepath.Base(sum.Averaged[len(sum.Averaged)-1]))
	}
	fmt.Fprintf(text, "exported %s -> %s (embedding %d-d from %s, %s; signatures %s)\n", from, o.Out,
		sum.EmbeddingDim, sum.Layer, sum.Precision, strings.Join(sum.Signatures, ", "))
	cal := &exportCalibration{Skipped: skipped}
	if dev != nil {
		fmt.Fprintf(text, "calibrating on the run's validation speakers (%s) from %s: ", dev.list, dev.store)
		if cal, err = calibrateExport(ctx, dev, o.Run, o.Out, text); err != nil {
			return nil, err
		}
	} else if !o.NoCalibrate && o.Stderr != nil {
		fmt.Fprintf(o.Stderr, "note: export: %s not calibrated: %s. verify, identify and diarize then need --threshold, --dev or --calibration; "+
			"or calibrate it: voxsiam embed --in DEV --out DEV_EMB, voxsiam calibrate --emb DEV_EMB --model %s (docs/answers.md)\n", o.Out, skipped, o.Out)
	}
	return &exportSummary{Exported: sum, Calibration: cal}, nil
}
