package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// MetaAsset is the asset file graph.Export writes next to the graph.
const MetaAsset = "voxsiam.json"

// Signature keys of a voxsiam SavedModel (graph.ExportSavedModel).
const (
	SignatureEmbedding    = "serving_default" // spectrogram -> embedding
	SignatureDistribution = "distribution"    // spectrogram -> distribution
	SignaturePairDistance = "pair_distance"   // spectrogram_a, spectrogram_b -> pair_distance
	// SignatureWaveform: waveform [batch, samples] float32 at the features'
	// sample rate, lengths [batch] int32 -> embedding [batch, D], segments
	// [batch] int32; features, trimming, segments and pooling in the graph
	// (graph.BuildServing), for logmel and fbank features.
	SignatureWaveform = "embed_waveform"
)

// Meta is assets/voxsiam.json: what a client needs to featurise audio the
// way the model was trained. graph.Export writes it; package embed reads
// it (ReadMeta).
type Meta struct {
	// Features are the training store's feature settings (features.json),
	// read over feature.DefaultConfig; nil when the file has none.
	Features       *feature.Config `json:"features"`
	Segment        int             `json:"segment"`         // frames per segment, e.g. 40
	Pooling        string          `json:"pooling"`         // utterance pooling of segment embeddings, one of Poolings, e.g. "mean"
	EmbeddingLayer string          `json:"embedding_layer"` // layer behind "embedding", one of EmbeddingLayers, e.g. "L3"
	// Precision of the serving graph's matrix products, one of Precisions
	// (voxsiam export --precision); "" in exports before it, which are
	// fp32. Inputs and outputs are float32 in every precision.
	Precision string `json:"precision,omitempty"`
	Model     Config `json:"model"` // the exported network (Device "")
}

// ModelPrecision is Precision with "" read as FP32.
func (m *Meta) ModelPrecision() string {
	if m.Precision == "" {
		return FP32
	}
	return m.Precision
}

// NMels is features.n_mels, 0 when unknown.
func (m *Meta) NMels() int {
	if m.Features == nil {
		return 0
	}
	return m.Features.NMels
}

// DecodeMeta reads the JSON of a voxsiam.json; its features are read over
// feature.DefaultConfig (their "partial" among them, which exports before
// the policy was honoured carry too).
func DecodeMeta(b []byte) (*Meta, error) {
	var wire struct {
		Meta
		Features json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	m := wire.Meta
	if len(wire.Features) > 0 && string(wire.Features) != "null" {
		f, err := feature.Decode(wire.Features, feature.DefaultConfig())
		if err != nil {
			return nil, err
		}
		m.Features = &f
	}
	return &m, nil
}

// ReadMeta reads <dir>/assets/voxsiam.json; nil, nil when absent (foreign
// SavedModels, e.g. Keras exports). A malformed file wraps errs.ErrBadData.
func ReadMeta(dir string) (*Meta, error) {
	path := filepath.Join(dir, "assets", MetaAsset)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("spec: %s: %w", path, err)
	}
	m, err := DecodeMeta(b)
	if err != nil {
		return nil, errs.BadData("spec: %s: %w", path, err)
	}
	return m, nil
}
