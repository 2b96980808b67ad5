package graph

import (
	"bytes"
	"encoding/binary"
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// AverageCheckpoints returns the element-wise mean of every model weight
// of cfg's Inference graph over the float checkpoints at prefixes
// (checkpoint averaging, as WeSpeaker's average_model.py does over the
// last epochs of a run): each checkpoint is restored into one fp32
// Inference graph, float32 weights are summed in float64 and divided by
// the count, and a weight of any other type takes the last checkpoint's
// value. Every prefix must hold every weight of cfg's graph, so they
// should be checkpoints of one run (the caller's concern: averaging
// weights of unrelated runs gives a useless model).
func AverageCheckpoints(cfg Config, prefixes []string) (map[string]*tf.Tensor, error) {
	if len(prefixes) == 0 {
		return nil, fmt.Errorf("graph: average: no checkpoints")
	}
	cfg.Precision, cfg.Device = "fp32", ""
	m, err := Build(cfg, Inference)
	if err != nil {
		return nil, err
	}
	sess, err := m.NewSession(SessionOptions{IntraOp: 1, InterOp: 1})
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	sums := make(map[string][]float64, len(m.Vars))
	var last map[string]*tf.Tensor
	for _, p := range prefixes {
		if err := m.Restore(sess, p); err != nil {
			return nil, err
		}
		if last, err = m.Weights(sess); err != nil {
			return nil, err
		}
		for name, t := range last {
			if t.DataType() != tf.Float {
				continue
			}
			v, err := float32s(t)
			if err != nil {
				return nil, fmt.Errorf("graph: average %s: %s: %w", p, name, err)
			}
			s := sums[name]
			if s == nil {
				s = make([]float64, len(v))
				sums[name] = s
			}
			for i, x := range v {
				s[i] += float64(x)
			}
		}
	}
	out := make(map[string]*tf.Tensor, len(last))
	for name, t := range last {
		s, ok := sums[name]
		if !ok {
			out[name] = t
			continue
		}
		mean := make([]float32, len(s))
		for i, x := range s {
			mean[i] = float32(x / float64(len(prefixes)))
		}
		avg, err := tf.NewTensor(mean)
		if err == nil {
			err = avg.Reshape(t.Shape())
		}
		if err != nil {
			return nil, fmt.Errorf("graph: average: %s: %w", name, err)
		}
		out[name] = avg
	}
	return out, nil
}

// float32s returns a float32 tensor's values in row-major order.
func float32s(t *tf.Tensor) ([]float32, error) {
	var buf bytes.Buffer
	if _, err := t.WriteContentsTo(&buf); err != nil {
		return nil, err
	}
	v := make([]float32, buf.Len()/4)
	if err := binary.Read(&buf, binary.NativeEndian, v); err != nil {
		return nil, err
	}
	return v, nil
}
