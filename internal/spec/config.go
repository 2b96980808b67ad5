package spec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// Config describes the siamese BLSTM network, its loss and its optimiser:
// the [model] table of a run's config.toml and the "model" of
// voxsiam.json; package graph builds it. The zero value of a field means
// its default (DefaultConfig fills them in); Speakers has no default.
type Config struct {
	// Frames is the segment length in spectrogram frames. Default
	// DefaultSegment, 40 (400 ms at 10 ms hop).
	Frames int `toml:"frames" json:"frames"`
	// Bins is the number of mel bins per frame. Default 128.
	Bins int `toml:"bins" json:"bins"`
	// LSTM1 is the number of units per direction of the first BLSTM. Default 256.
	LSTM1 int `toml:"lstm1" json:"lstm1"`
	// LSTM2 is the number of units per direction of the second BLSTM. Default 256.
	LSTM2 int `toml:"lstm2" json:"lstm2"`
	// Speakers is S, the number of training speakers (softmax width). Required, >= 2.
	Speakers int `toml:"speakers" json:"speakers"`
	// Dense1 is the width of the first dense layer. 0 means 10*Speakers.
	Dense1 int `toml:"dense1" json:"dense1"`
	// Dense2 is the width of the second dense layer. 0 means 5*Speakers.
	Dense2 int `toml:"dense2" json:"dense2"`
	// Dropout1 is the dropout rate after the first BLSTM. Default 0.5;
	// a negative value disables the layer (0 means the default).
	Dropout1 float64 `toml:"dropout1" json:"dropout1"`
	// Dropout2 is the dropout rate after the first dense layer. Default
	// 0.25; a negative value disables the layer.
	Dropout2 float64 `toml:"dropout2" json:"dropout2"`
	// DenseActivation of Dense1 and Dense2: "linear" (default, reference),
	// "relu", "softplus" or "prelu".
	DenseActivation string `toml:"dense_activation" json:"dense_activation"`
	// OutputActivation of the S-wide output layer: "softmax" (default,
	// reference), "linear", "prelu" or "softplus" (the latter three reproduce
	// the original Keras question; their outputs are not distributions).
	OutputActivation string `toml:"output_activation" json:"output_activation"`
	// Loss is "pkld" (default, published), "symmetric" or "seed".
	Loss string `toml:"loss" json:"loss"`
	// Hinge is "hinge" (default, max(0,x)) or "softplus" (smooth).
	Hinge string `toml:"hinge" json:"hinge"`
	// Margin of the hinge on the KL divergence. Default 3.
	Margin float64 `toml:"margin" json:"margin"`
	// Epsilon is added to every output probability before the logarithm
	// (no clipping, no renormalisation). Default 1e-7.
	Epsilon float64 `toml:"epsilon" json:"epsilon"`
	// LearningRate of Adam. Default 1e-3.
	LearningRate float64 `toml:"learning_rate" json:"learning_rate"`
	// Beta1 of Adam. Default 0.9.
	Beta1 float64 `toml:"beta1" json:"beta1"`
	// Beta2 of Adam. Default 0.999.
	Beta2 float64 `toml:"beta2" json:"beta2"`
	// AdamEpsilon of Adam. Default 1e-8.
	AdamEpsilon float64 `toml:"adam_epsilon" json:"adam_epsilon"`
	// ClipNorm clips the gradients by their global norm before Adam, as
	// tf.clip_by_global_norm (Keras' global_clipnorm): every gradient is
	// scaled by ClipNorm / max(norm, ClipNorm), where norm is the L2 norm
	// of all gradients as one vector ("grad_norm"). Default 0: off (the
	// published configuration has no clipping).
	ClipNorm float64 `toml:"clip_norm" json:"clip_norm"`
	// Seed of the (stateless) variable initialisers. Default 0.
	Seed int64 `toml:"seed" json:"seed"`
	// LSTMImpl is "unrolled" (default, measured faster; see doc.go) or
	// "block" (fused BlockLSTMV2 with a hand-wired BlockLSTMGradV2;
	// float32 only).
	LSTMImpl string `toml:"lstm_impl" json:"lstm_impl"`
	// EmbeddingLayer is the layer exported as "embedding": one of
	// EmbeddingLayers, L3..L7. Default "L3" (second BLSTM, last output,
	// 2*LSTM2 wide); the sequence layers L1, L2 are no embeddings.
	EmbeddingLayer string `toml:"embedding_layer" json:"embedding_layer"`
	// Device is applied to every op built by Build ("" = default placement,
	// e.g. "/device:GPU:0"). Gradient ops added by AddGradients are unplaced
	// in Build's graphs; BuildTowers puts them on the towers' devices and
	// this one (colocateGradients).
	Device string `toml:"device" json:"device"`
	// DType of inputs, variables and activations: "float32" (default) or
	// "float64" (gradient checks).
	DType string `toml:"dtype" json:"dtype"`
	// Precision of the matrix products (LSTM input and recurrent
	// projections, dense layers), one of Precisions: "fp32" (default), "bf16" (both operands
	// cast to bfloat16, the product cast back to float32; variables, gate
	// nonlinearities, cell state, softmax, loss and KL stay float32, so
	// Train graphs keep float32 master weights) or "int8" (Inference graphs
	// only: int8 kernels with per-output-channel float32 scales, multiplied
	// in int8 with uint8 activations, or dequantised to float32 products
	// for the TFLite/ONNX converters; see graph/doc.go). bf16 and
	// int8 need dtype float32 and lstm_impl "unrolled".
	Precision string `toml:"precision" json:"precision"`

	// CMN is the mean normalisation of the network's input frames, one
	// of feature.CMNModes: "none" (default, published; also what a
	// voxsiam.json or config.toml without the key means), "utterance"
	// (each bin minus its mean over the utterance's frames, Kaldi
	// apply-cmvn --norm-vars=false) or "sliding" (minus its mean over a
	// centred window of CMNWindow frames, apply-cmvn-sliding
	// --center=true). The store keeps the frames unnormalised: training,
	// validation, embed and the embed_waveform signature normalise what
	// they read, over the frames the model is given (after features.vad
	// trimming, before segmenting or padding).
	CMN string `toml:"cmn" json:"cmn"`
	// CMNWindow is the sliding window in frames. Default
	// feature.DefaultCMNWindow, 300 (3 s; Kaldi's x-vector recipes);
	// ignored unless CMN is "sliding".
	CMNWindow int `toml:"cmn_window" json:"cmn_window"`

	// Distill is the distillation term added to the loss, one of
	// DistillForms: "none" (default), "relational" or "regression"
	// (graph/distill.go has the formulas). Any other form needs a teacher
	// ([train] teacher) and TeacherDim.
	Distill string `toml:"distill" json:"distill"`
	// DistillWeight multiplies the distillation term. Default 1.
	DistillWeight float64 `toml:"distill_weight" json:"distill_weight"`
	// PKLDWeight multiplies the PKLD (Loss) term; nil means
	// DefaultPKLDWeight, 1 (read it with PKLD). 0 is distillation only
	// (the PKLD term is not built). Ignored without distillation.
	PKLDWeight *float64 `toml:"pkld_weight,omitempty" json:"pkld_weight,omitempty"`
	// DistillLayer is the student layer the term reads, one of
	// EmbeddingLayers. Default DefaultLayer, "L3" (the exported embedding).
	DistillLayer string `toml:"distill_layer" json:"distill_layer"`
	// TeacherDim is D, the width of the teacher's embeddings (the
	// "teacher" input [batch, D]). Training sets it from the teacher and
	// records it in config.toml; a resumed run whose teacher has another
	// width is refused. Required (>= 1) with distillation.
	TeacherDim int `toml:"teacher_dim" json:"teacher_dim"`
}

// DefaultConfig returns the reference configuration (Stadelmann et al. 2018)
// for the given number of training speakers.
func DefaultConfig(speakers int) Config {
	return Config{Speakers: speakers}.WithDefaults()
}

// WithDefaults fills zero-valued fields with their documented defaults.
func (c Config) WithDefaults() Config {
	setInt := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setF := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	setS := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	setInt(&c.Frames, DefaultSegment)
	setInt(&c.Bins, 128)
	setInt(&c.LSTM1, 256)
	setInt(&c.LSTM2, 256)
	setInt(&c.Dense1, 10*c.Speakers)
	setInt(&c.Dense2, 5*c.Speakers)
	setF(&c.Dropout1, 0.5)
	setF(&c.Dropout2, 0.25)
	setS(&c.DenseActivation, "linear")
	setS(&c.OutputActivation, "softmax")
	setS(&c.Loss, "pkld")
	setS(&c.Hinge, "hinge")
	setF(&c.Margin, 3)
	setF(&c.Epsilon, 1e-7)
	setF(&c.LearningRate, 1e-3)
	setF(&c.Beta1, 0.9)
	setF(&c.Beta2, 0.999)
	setF(&c.AdamEpsilon, 1e-8)
	setS(&c.LSTMImpl, "unrolled")
	setS(&c.EmbeddingLayer, DefaultLayer)
	setS(&c.DType, "float32")
	setS(&c.Precision, FP32)
	setS(&c.CMN, feature.CMNNone)
	setInt(&c.CMNWindow, feature.DefaultCMNWindow)
	setS(&c.Distill, DistillNone)
	setF(&c.DistillWeight, 1)
	setS(&c.DistillLayer, DefaultLayer)
	return c
}

// Validate reports every invalid field of c (after applying defaults).
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("spec: model config: "+format, a...)) }
	if c.Speakers < 2 {
		bad("speakers = %d, need >= 2", c.Speakers)
	}
	sizes := []int{c.Frames, c.Bins, c.LSTM1, c.LSTM2, c.Dense1, c.Dense2}
	for i, name := range []string{"frames", "bins", "lstm1", "lstm2", "dense1", "dense2"} {
		if sizes[i] < 1 {
			bad("%s = %d, need >= 1", name, sizes[i])
		}
	}
	if c.Dropout1 >= 1 || c.Dropout2 >= 1 {
		bad("dropout1 = %g, dropout2 = %g, need rate < 1", c.Dropout1, c.Dropout2)
	}
	oneOf := func(field, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		bad("%s = %q, want one of %s", field, v, strings.Join(allowed, ", "))
	}
	oneOf("dense_activation", c.DenseActivation, "linear", "relu", "softplus", "prelu")
	oneOf("output_activation", c.OutputActivation, "softmax", "linear", "prelu", "softplus")
	oneOf("loss", c.Loss, "pkld", "symmetric", "seed")
	oneOf("hinge", c.Hinge, "hinge", "softplus")
	oneOf("lstm_impl", c.LSTMImpl, "unrolled", "block")
	oneOf("embedding_layer", c.EmbeddingLayer, EmbeddingLayers...)
	oneOf("dtype", c.DType, "float32", "float64")
	oneOf("precision", c.Precision, Precisions...)
	oneOf("cmn", c.CMN, feature.CMNModes...)
	if c.CMNWindow < 1 {
		bad("cmn_window = %d, need >= 1 frames", c.CMNWindow)
	}
	oneOf("distill", c.Distill, DistillForms...)
	oneOf("distill_layer", c.DistillLayer, EmbeddingLayers...)
	if c.Distill != DistillNone && c.TeacherDim < 1 {
		bad("distill %q needs teacher_dim >= 1 (the teacher's embedding width; train sets it from [train] teacher)", c.Distill)
	}
	if c.DistillWeight < 0 || c.PKLD() < 0 {
		bad("distill_weight = %g, pkld_weight = %g, need >= 0", c.DistillWeight, c.PKLD())
	}
	if c.Distill == DistillNone && c.PKLD() != DefaultPKLDWeight {
		bad("pkld_weight = %g without distillation (distill = %q): the loss is PKLD alone", c.PKLD(), c.Distill)
	}
	if c.Precision != FP32 && (c.DType != "float32" || c.LSTMImpl != "unrolled") {
		bad("precision %q needs dtype float32 and lstm_impl \"unrolled\"", c.Precision)
	}
	if c.LSTMImpl == "block" && c.DType == "float64" {
		bad("lstm_impl \"block\" needs dtype float32 (BlockLSTMV2 has no float64 kernel)")
	}
	if c.Margin < 0 || c.Epsilon < 0 || c.LearningRate < 0 || c.AdamEpsilon < 0 || c.ClipNorm < 0 {
		bad("margin, epsilon, learning_rate, adam_epsilon and clip_norm must be >= 0")
	}
	if c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1 {
		bad("beta1 = %g, beta2 = %g, need [0,1)", c.Beta1, c.Beta2)
	}
	return errors.Join(errs...)
}
