package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/train"
)

// exportOptions are the flags of `voxsiam export`.
type exportOptions struct {
	Run, Checkpoint, Out string
	Precision            string
	JSON                 bool
}

func newExportCommand() *cli.Command {
	o := &exportOptions{}
	cat := "Export"
	return &cli.Command{
		Name:      "export",
		Usage:     "write a training run's checkpoint as a TensorFlow SavedModel",
		UsageText: "voxsiam export --run <run dir> [--checkpoint N|best|latest] --out <dir>",
		Description: "Builds the inference graph of the run's [model] configuration, restores the\n" +
			"checkpoint and writes a SavedModel (tags serve) with the signatures\n" +
			"serving_default (spectrogram [batch, 40, 128] -> embedding), distribution and\n" +
			"pair_distance (spectrogram_a, spectrogram_b -> symmetric KL), plus\n" +
			"assets/voxsiam.json (feature settings, segment length, pooling, precision) for voxsiam embed.\n" +
			"--precision bf16 serves with bfloat16 matrix products (float32 in and out); int8 stores\n" +
			"int8 kernels with per-output-channel scales, dequantised to float32 products.\n" +
			"Python loads it with tf.saved_model.load(dir).\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "run", Usage: "training run `DIR` (config.toml, features.json, checkpoints/)", EnvVars: []string{"VOXSIAM_RUN"}, Category: cat, Destination: &o.Run},
			&cli.StringFlag{Name: "checkpoint", Usage: "`N` (step), best, latest, or a checkpoint name such as ckpt-1200", Value: "latest", EnvVars: []string{"VOXSIAM_CHECKPOINT"}, Category: cat, Destination: &o.Checkpoint},
			&cli.StringFlag{Name: "out", Usage: "SavedModel `DIR` to create (must not exist)", EnvVars: []string{"VOXSIAM_OUT"}, Category: cat, Destination: &o.Out},
			&cli.StringFlag{Name: "precision", Usage: "serving graph precision: fp32 | bf16 | int8 (independent of the training precision)", Value: "fp32", EnvVars: []string{"VOXSIAM_PRECISION"}, Category: cat, Destination: &o.Precision},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON summary", EnvVars: []string{"VOXSIAM_JSON"}, Category: "Output", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error { return runExport(c.Context, o, c.App.Writer) },
	}
}

// exportSummary is the --json output of export.
type exportSummary struct {
	Out          string   `json:"out"`
	Checkpoint   string   `json:"checkpoint"`
	Signatures   []string `json:"signatures"`
	EmbeddingDim int      `json:"embedding_dim"`
	Speakers     int      `json:"speakers"`
	Precision    string   `json:"precision"`
}

func runExport(ctx context.Context, o *exportOptions, w io.Writer) error {
	if o.Run == "" || o.Out == "" {
		return usagef("export: --run and --out are required")
	}
	if _, err := os.Stat(o.Out); err == nil {
		return usagef("export: --out %s already exists", o.Out)
	}
	run, err := train.OpenRun(o.Run)
	if errors.Is(err, train.ErrNotRun) {
		return usagef("export: --run %s: not a run directory (no config.toml)", o.Run)
	} else if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	prefix, err := run.Checkpoint(o.Checkpoint)
	if errors.Is(err, train.ErrNoCheckpoint) {
		return usagef("export: %v", err)
	} else if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cfg := run.Config.Model
	cfg.Device = "" // no device pins in a SavedModel: the loader's session places it
	switch o.Precision {
	case "":
		cfg.Precision = "fp32"
	case "fp32", "bf16", "int8":
		cfg.Precision = o.Precision
	default:
		return usagef("export: --precision %q: want fp32, bf16 or int8", o.Precision)
	}
	m, sess, err := graph.LoadInference(cfg, prefix, graph.SessionOptions{})
	if err != nil {
		return fmt.Errorf("export: %s: %w", o.Run, err)
	}
	defer sess.Close()
	meta, err := json.MarshalIndent(exportMeta{Features: run.FeaturesJSON, Segment: m.Config.Frames, Pooling: embed.PoolMean,
		EmbeddingLayer: m.Config.EmbeddingLayer, Precision: m.Config.Precision, Model: m.Config}, "", "  ")
	if err != nil {
		return err
	}
	if err := graph.ExportSavedModel(m, sess, o.Out, map[string][]byte{embed.MetaAsset: meta}); err != nil {
		return err
	}
	sum := exportSummary{Out: o.Out, Checkpoint: prefix, EmbeddingDim: int(m.Embedding.Shape().Size(1)), Speakers: m.Config.Speakers, Precision: m.Config.Precision,
		Signatures: []string{graph.SignatureEmbedding, graph.SignatureDistribution, graph.SignaturePairDistance}}
	if o.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "exported %s -> %s (embedding %d-d from %s, %s; signatures %s)\n", prefix, o.Out,
		sum.EmbeddingDim, m.Config.EmbeddingLayer, sum.Precision, strings.Join(sum.Signatures, ", "))
	return nil
}

// exportMeta is assets/voxsiam.json (embed.Meta with the typed model config).
type exportMeta struct {
	Features       json.RawMessage `json:"features"`
	Segment        int             `json:"segment"`
	Pooling        string          `json:"pooling"`
	EmbeddingLayer string          `json:"embedding_layer"`
	Precision      string          `json:"precision"`
	Model          graph.Config    `json:"model"`
}
