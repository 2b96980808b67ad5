package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// ExportOptions select what Export writes.
type ExportOptions struct {
	Run        string // training run directory (config.toml, features.json, checkpoints/)
	Checkpoint string // step N, "best", "latest" (or "") or a checkpoint name such as ckpt-1200
	Out        string // SavedModel directory to create; must not exist
	Precision  string // serving precision, one of spec.Precisions ("" = fp32), independent of training's
	Layer      string // the layer exported as "embedding": "" = the run's [model] embedding_layer, or one of spec.EmbeddingLayers
	// Average > 1 exports the mean of the weights of the Average newest
	// checkpoints the run keeps at or before Checkpoint's step (checkpoint
	// averaging, WeSpeaker's average_model.py); 0 or 1 exports Checkpoint alone.
	Average int
	// FloatInt8, with Precision "int8": int8 kernels with float32 products
	// (graph.ExportOptions.FloatInt8), for the TFLite and ONNX converters,
	// which reject TensorFlow's quantised types.
	FloatInt8 bool
}

// Exported describes a SavedModel written by Export.
type Exported struct {
	Out          string   `json:"out"`
	Checkpoint   string   `json:"checkpoint"` // the checkpoint prefix exported
	Signatures   []string `json:"signatures"`
	EmbeddingDim int      `json:"embedding_dim"`
	Speakers     int      `json:"speakers"`
	Precision    string   `json:"precision"`
	Layer        string   `json:"embedding_layer"`    // the layer behind "embedding", e.g. "L3"
	Averaged     []string `json:"averaged,omitempty"` // with Average > 1: the checkpoint prefixes averaged, oldest first
}

// Export writes a checkpoint of the run o.Run as a TensorFlow SavedModel
// with assets/voxsiam.json (graph.Export) for package embed. Bad options
// (missing directories, an existing o.Out, no such checkpoint or pointer
// file, an unknown precision) wrap errs.ErrUsage; malformed run files wrap errs.ErrBadData.
func Export(o ExportOptions) (*Exported, error) {
	if o.Run == "" || o.Out == "" {
		return nil, errs.Usage("export: a run directory and an output directory are required")
	}
	if _, err := os.Stat(o.Out); err == nil {
		return nil, errs.Usage("export: --out %s already exists", o.Out)
	}
	var err error
	if o.Precision, err = spec.ParsePrecision("export: --precision", o.Precision, spec.Precisions); err != nil {
		return nil, err
	}
	if o.Layer != "" {
		if _, err := spec.ParseEmbeddingLayer("export: --layer", o.Layer); err != nil {
			return nil, err
		}
	}
	if o.Average < 0 {
		return nil, errs.Usage("export: --average %d: want a count of checkpoints, at least 1", o.Average)
	}
	run, err := OpenRun(o.Run)
	if errors.Is(err, ErrNotRun) {
		return nil, errs.Usage("export: --run %s: not a run directory (no %s)", o.Run, ConfigFile)
	} else if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	prefix, err := run.Checkpoint(o.Checkpoint)
	if errors.Is(err, ErrNoCheckpoint) || errors.Is(err, fs.ErrNotExist) { // no such step, or no "best"/"latest" pointer
		return nil, errs.Usage("export: %w", err)
	} else if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	prefixes := []string{prefix}
	if o.Average > 1 {
		if prefixes, err = run.CheckpointsUpTo(prefix, o.Average); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		if len(prefixes) < o.Average {
			return nil, errs.Usage("export: --average %d: %s keeps %d checkpoints at or before %s (raise [train] keep to keep more)",
				o.Average, run.Dir, len(prefixes), filepath.Base(prefix))
		}
	}
	cfg := run.Config.Model
	cfg.Precision = o.Precision
	if o.Layer != "" {
		cfg.EmbeddingLayer = o.Layer
	}
	meta, dim, err := graph.ExportWith(cfg, prefixes, o.Out, &run.Features, graph.ExportOptions{FloatInt8: o.FloatInt8})
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", o.Run, err)
	}
	e := &Exported{Out: o.Out, Checkpoint: prefix, EmbeddingDim: dim, Speakers: meta.Model.Speakers,
		Precision: meta.Precision, Layer: meta.EmbeddingLayer,
		Signatures: []string{spec.SignatureEmbedding, spec.SignatureDistribution, spec.SignaturePairDistance}}
	if graph.WaveformSupport(cfg, run.Features) == nil { // graph.Export adds it exactly then
		e.Signatures = append(e.Signatures, spec.SignatureWaveform)
	}
	if len(prefixes) > 1 {
		e.Averaged = prefixes
	}
	return e, nil
}
