package graph

import (
	"encoding/json"
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// ExportSavedModel writes the Inference-mode model m, with the variable
// values held by sess, as a SavedModel in dir (see WriteSavedModel) with
// three signatures (their keys are spec.SignatureEmbedding, ...):
//
//	serving_default: spectrogram [batch, Frames, Bins] float32 -> embedding [batch, D]
//	distribution:    spectrogram [batch, Frames, Bins] float32 -> distribution [batch, S] (softmax)
//	pair_distance:   spectrogram_a, spectrogram_b [batch, Frames, Bins] -> pair_distance [batch],
//	                 KL(pa||pb) + KL(pb||pa) row by row
//	embed_waveform:  waveform [batch, samples] float32, lengths [batch] int32 -> embedding [batch, D],
//	                 segments [batch] int32 (models from BuildServing only; see waveform.go)
//
// Dropout is off in all of them ("training" keeps its default false).
// assets become files under assets/ (e.g. "voxsiam.json").
func ExportSavedModel(m *Model, sess *tf.Session, dir string, assets map[string][]byte) error {
	if m.InputB.Op == nil || m.PairDistance.Op == nil {
		return fmt.Errorf("graph: export %s: model was not built in Inference mode", dir)
	}
	in := map[string]tf.Output{"spectrogram": m.Input}
	sigs := map[string]SignatureSpec{
		spec.SignatureEmbedding:    {Inputs: in, Outputs: map[string]tf.Output{"embedding": m.Embedding}},
		spec.SignatureDistribution: {Inputs: in, Outputs: map[string]tf.Output{"distribution": m.Distribution}},
		spec.SignaturePairDistance: {
			Inputs:  map[string]tf.Output{"spectrogram_a": m.Input, "spectrogram_b": m.InputB},
			Outputs: map[string]tf.Output{"pair_distance": m.PairDistance},
		},
	}
	if m.Waveform.Op != nil {
		sigs[spec.SignatureWaveform] = SignatureSpec{
			Inputs:  map[string]tf.Output{"waveform": m.Waveform, "lengths": m.Lengths},
			Outputs: map[string]tf.Output{"embedding": m.WaveformEmbedding, "segments": m.WaveformSegments},
		}
	}
	return WriteSavedModel(dir, SavedModelSpec{
		Graph:      m.Graph,
		Session:    sess,
		Variables:  savedVariables(m.Vars),
		Signatures: sigs,
		Assets:     assets,
	})
}

// savedVariables describes the model's resource variables for the
// "variables" and "trainable_variables" collections.
func savedVariables(vars []Var) []SavedVariable {
	out := make([]SavedVariable, len(vars))
	for i, v := range vars {
		out[i] = SavedVariable{
			Handle:      v.Handle.Op.Name(),
			Initializer: v.Initializer.Name(),
			Snapshot:    fmt.Sprintf("%s:%d", v.Read.Op.Name(), v.Read.Index),
			Trainable:   v.Trainable,
		}
	}
	return out
}

// LoadInference builds the Inference graph of cfg in cfg.Precision, opens
// a session with o and loads the float checkpoint at prefix (written by a
// Train or Inference graph of the same Config in fp32 or bf16): directly
// for "fp32" and "bf16", which read the same float32 variables; for
// "int8" through a float32 graph whose weights SetFloatWeights quantises.
// The caller closes the session.
func LoadInference(cfg Config, prefix string, o SessionOptions) (*Model, *tf.Session, error) {
	return loadInference(cfg, []string{prefix}, o, nil, false)
}

// loadInference is LoadInference of the mean of the checkpoints at
// prefixes (AverageCheckpoints) when there is more than one; with wave,
// the graph is BuildServing's for those features; floatInt8 as build.
func loadInference(cfg Config, prefixes []string, o SessionOptions, wave *feature.Config, floatInt8 bool) (*Model, *tf.Session, error) {
	var m *Model
	var err error
	if wave != nil {
		if err = WaveformSupport(cfg, *wave); err == nil {
			f := wave.WithDefaults()
			m, err = buildServing(cfg, &f, floatInt8)
		}
	} else {
		m, err = build(cfg, Inference, nil, nil, nil, floatInt8)
	}
	if err != nil {
		return nil, nil, err
	}
	sess, err := m.NewSession(o)
	if err != nil {
		return nil, nil, err
	}
	if err := loadInto(m, sess, prefixes); err != nil {
		sess.Close()
		return nil, nil, err
	}
	return m, sess, nil
}

// loadInto restores a single fp32/bf16 checkpoint into m directly; more
// than one, or int8, go through the float weights of AverageCheckpoints
// (of one checkpoint, its own weights), set by SetFloatWeights, which
// quantises for int8.
func loadInto(m *Model, sess *tf.Session, prefixes []string) error {
	if len(prefixes) == 1 && m.Config.Precision != spec.INT8 {
		return m.Restore(sess, prefixes[0])
	}
	w, err := AverageCheckpoints(m.Config, prefixes)
	if err != nil {
		return err
	}
	if _, err := sess.Run(nil, nil, []*tf.Operation{m.Init}); err != nil {
		return fmt.Errorf("graph: init: %w", err)
	}
	return m.SetFloatWeights(sess, w)
}

// Export loads the float checkpoint at prefixes[0] into the Inference
// graph of cfg in cfg.Precision (LoadInference), or, given more than one
// prefix, the mean of their weights (AverageCheckpoints), and writes it to
// dir as a SavedModel (ExportSavedModel) with assets/voxsiam.json:
// features (the training store's feature settings), the
// segment length, mean pooling, the embedding layer, the precision and
// cfg. When WaveformSupport accepts the features (nil: the reference
// log-mel; it refuses only invalid ones or a bins mismatch), the graph is
// BuildServing's and the export has the embed_waveform signature. cfg.Device is
// dropped (no device pins in a SavedModel: the loader's session places
// it). It returns the metadata written and the embedding width.
func Export(cfg Config, prefixes []string, dir string, features *feature.Config) (*spec.Meta, int, error) {
	return ExportWith(cfg, prefixes, dir, features, ExportOptions{})
}

// ExportOptions change what ExportWith builds; the zero value is Export's.
type ExportOptions struct {
	// FloatInt8, with Precision "int8": the kernels stay int8 variables
	// with their scales, but the graph dequantises them to float32
	// products instead of multiplying in int8. For converters without
	// TensorFlow's quantised types (TFLite's builtin ops, tf2onnx), which
	// reject the int8 products' QuantizedMatMulWithBias and qint8 tensors.
	FloatInt8 bool
}

// ExportWith is Export with options o.
func ExportWith(cfg Config, prefixes []string, dir string, features *feature.Config, o ExportOptions) (*spec.Meta, int, error) {
	cfg.Device = ""
	wave := feature.DefaultConfig()
	if features != nil {
		wave = *features
	}
	wp := &wave
	if WaveformSupport(cfg, wave) != nil {
		wp = nil
	}
	m, sess, err := loadInference(cfg, prefixes, SessionOptions{}, wp, o.FloatInt8)
	if err != nil {
		return nil, 0, err
	}
	defer sess.Close()
	meta := &spec.Meta{Features: features, Segment: m.Config.Frames, Pooling: spec.PoolMean,
		EmbeddingLayer: m.Config.EmbeddingLayer, Precision: m.Config.Precision, Model: m.Config}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, 0, fmt.Errorf("graph: export %s: %w", dir, err)
	}
	if err := ExportSavedModel(m, sess, dir, map[string][]byte{spec.MetaAsset: b}); err != nil {
		return nil, 0, err
	}
	return meta, int(m.Embedding.Shape().Size(1)), nil
}
