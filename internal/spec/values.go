package spec

import (
	"slices"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// DefaultSegment is the segment length in spectrogram frames (10 ms each)
// of the reference configuration: Config.Frames, train.segment and
// features.json's segment (tools/feature, which spec builds on and which
// holds the value) default to it.
const DefaultSegment = feature.DefaultSegment

// Precisions of the matrix products (Config.Precision, voxsiam.json
// "precision", voxsiam export --precision).
const (
	FP32 = "fp32" // float32 throughout (default)
	BF16 = "bf16" // bfloat16 operands, float32 products and weights
	INT8 = "int8" // int8 kernels with per-channel scales; Inference graphs only
)

// Precisions lists every precision; TrainPrecisions those a training graph
// can have (int8 is for export).
var (
	Precisions      = []string{FP32, BF16, INT8}
	TrainPrecisions = []string{FP32, BF16}
)

// ParsePrecision reads a precision: "" is FP32, other words not in
// allowed (Precisions when nil) are usage errors naming what.
func ParsePrecision(what, s string, allowed []string) (string, error) {
	if allowed == nil {
		allowed = Precisions
	}
	if s == "" {
		s = FP32
	}
	return oneOf(what, s, allowed)
}

// Pooling of segment embeddings into one utterance embedding
// (voxsiam.json "pooling", voxsiam embed --pooling).
const (
	PoolMean     = "mean"     // plain mean over segments (Stadelmann et al. 2018); what Export records
	PoolWeighted = "weighted" // mean weighted by the new frames each segment covers
	PoolNone     = "none"     // no pooling: one output row per segment
)

// Poolings lists every pooling.
var Poolings = []string{PoolMean, PoolWeighted, PoolNone}

// ParsePooling reads a pooling; other words are usage errors naming what.
func ParsePooling(what, s string) (string, error) { return oneOf(what, s, Poolings) }

// Layers of the network (graph.Model.Layers; package graph documents
// their shapes). L1 and L2 are sequences [batch, Frames, 2*LSTM1]; the
// others are one vector per segment.
var Layers = []string{"L1", "L2", "L3", "L4", "L5", "L6", "L7"}

// EmbeddingLayers are the layers that can be exported as "embedding"
// (Config.EmbeddingLayer, voxsiam export --layer): L3 (BLSTM2 output), L4,
// L5 (dense 1, its dropout), L6 (dense 2), L7 (output logits).
var EmbeddingLayers = []string{"L3", "L4", "L5", "L6", "L7"}

// DefaultLayer is the reference embedding layer, the second BLSTM's last
// output.
const DefaultLayer = "L3"

// ParseEmbeddingLayer reads an embedding layer; other words, the
// sequence layers L1 and L2 among them, are usage errors naming what.
func ParseEmbeddingLayer(what, s string) (string, error) { return oneOf(what, s, EmbeddingLayers) }

// oneOf returns s when it is in allowed, else a usage error naming what
// and the allowed words.
func oneOf(what, s string, allowed []string) (string, error) {
	if slices.Contains(allowed, s) {
		return s, nil
	}
	return "", errs.Usage("%s %q: want one of %s", what, s, strings.Join(allowed, ", "))
}
