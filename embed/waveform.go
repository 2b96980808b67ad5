package embed

import (
	"bytes"
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/spec"
)

// waveSig holds the tensors of a model's embed_waveform signature.
type waveSig struct {
	wave, lengths, emb, segs tf.Output
}

// resolveWaveform finds the embed_waveform signature (spec.SignatureWaveform)
// of the SavedModel; nil, nil when it has none.
func resolveWaveform(sm *tf.SavedModel) (*waveSig, error) {
	sig, ok := sm.Signatures[spec.SignatureWaveform]
	if !ok {
		return nil, nil
	}
	var w waveSig
	for _, t := range []struct {
		m   map[string]tf.TensorInfo
		key string
		dst *tf.Output
	}{{sig.Inputs, "waveform", &w.wave}, {sig.Inputs, "lengths", &w.lengths}, {sig.Outputs, "embedding", &w.emb}, {sig.Outputs, "segments", &w.segs}} {
		ti, ok := t.m[t.key]
		if !ok {
			return nil, fmt.Errorf("signature %s has no %q", spec.SignatureWaveform, t.key)
		}
		o, err := lookup(sm.Graph, ti.Name)
		if err != nil {
			return nil, fmt.Errorf("signature %s: %w", spec.SignatureWaveform, err)
		}
		*t.dst = o
	}
	return &w, nil
}

// HasWaveform reports whether the model has the embed_waveform signature.
func (m *Model) HasWaveform() bool { return m.wave != nil }

// EmbedWaveform runs the embed_waveform signature on utterances, each a
// waveform at the model's sample rate (the features' sample_rate; resample
// first, e.g. audio.LoadAt), mono in [-1, 1], fed as one zero-padded
// batch with their lengths. It returns one embedding per utterance,
// [len(waves), dim] float32 row-major, and the number of segments behind
// each (0: no audio left after trimming; its embedding is zero). The
// graph computes what Extract does on the host with ShortPad and the
// model's pooling ("mean").
func (m *Model) EmbedWaveform(waves [][]float32) (emb []float32, dim int, segments []int32, err error) {
	defer guard(&err, "embed_waveform")
	if m.wave == nil {
		return nil, 0, nil, fmt.Errorf("embed: the model has no %s signature", spec.SignatureWaveform)
	}
	n := 0
	lengths := make([]int32, len(waves))
	for i, w := range waves {
		n = max(n, len(w))
		lengths[i] = int32(len(w))
	}
	batch := make([]float32, len(waves)*n)
	for i, w := range waves {
		copy(batch[i*n:], w)
	}
	x, err := tf.ReadTensor(tf.Float, []int64{int64(len(waves)), int64(n)}, bytes.NewReader(f32Bytes(batch)))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("embed: waveform tensor: %w", err)
	}
	l, err := tf.NewTensor(lengths)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("embed: lengths tensor: %w", err)
	}
	r, err := m.sm.Session.Run(map[tf.Output]*tf.Tensor{m.wave.wave: x, m.wave.lengths: l}, []tf.Output{m.wave.emb, m.wave.segs}, nil)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("embed: run %s: %w", spec.SignatureWaveform, err)
	}
	emb, dim, err = flatten(r[0], len(waves))
	if err != nil {
		return nil, 0, nil, err
	}
	return emb, dim, r[1].Value().([]int32), nil
}
