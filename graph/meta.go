package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MetaAsset is the asset file Export writes next to the graph.
const MetaAsset = "voxsiam.json"

// PoolMean is the utterance pooling Export records in Meta.Pooling: the
// plain mean of the segment embeddings (embed.PoolMean, Stadelmann et al.
// 2018).
const PoolMean = "mean"

// Meta is assets/voxsiam.json: what a client needs to featurise audio the
// way the model was trained. Export writes it; package embed reads it.
type Meta struct {
	Features       json.RawMessage `json:"features"`        // tools/feature.Config (JSON) of the training store
	Segment        int             `json:"segment"`         // frames per segment, e.g. 40
	Pooling        string          `json:"pooling"`         // utterance pooling of segment embeddings, e.g. "mean"
	EmbeddingLayer string          `json:"embedding_layer"` // layer behind "embedding", e.g. "L3"
	// Precision of the serving graph's matrix products: "fp32", "bf16" or
	// "int8" (voxsiam export --precision); "" in exports before it, which
	// are fp32. Inputs and outputs are float32 in every precision.
	Precision string `json:"precision,omitempty"`
	Model     Config `json:"model"` // the exported network (Device "")
}

// ModelPrecision is Precision with "" read as "fp32".
func (m *Meta) ModelPrecision() string {
	if m.Precision == "" {
		return "fp32"
	}
	return m.Precision
}

// NMels is features.n_mels, 0 when unknown.
func (m *Meta) NMels() int {
	var f struct {
		NMels int `json:"n_mels"`
	}
	if len(m.Features) == 0 || json.Unmarshal(m.Features, &f) != nil {
		return 0
	}
	return f.NMels
}

// ReadMeta reads <dir>/assets/voxsiam.json; nil, nil when absent (foreign
// SavedModels, e.g. Keras exports).
func ReadMeta(dir string) (*Meta, error) {
	path := filepath.Join(dir, "assets", MetaAsset)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", path, err)
	}
	m := new(Meta)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("graph: %s: not valid JSON: %w", path, err)
	}
	return m, nil
}
