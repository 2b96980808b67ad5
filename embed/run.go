package embed

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// guard is the package's one recover boundary: a panic of the TensorFlow
// binding becomes an error naming what was being done.
func guard(err *error, what string) {
	if r := recover(); r != nil {
		*err = errors.Join(*err, fmt.Errorf("embed: %s: tensorflow: %v", what, r))
	}
}

// Embed runs the model on n segments and returns their embeddings.
//
//	segs: [n, Frames, Bins] float32, row-major (log-mel frames of each segment)
//	emb:  [n, dim] float32, row-major
//
// The segments are fed in batches of Options.Batch.
func (m *Model) Embed(segs []float32, n int) (emb []float32, dim int, err error) {
	return m.run(m.out, segs, n)
}

// HasDistribution reports whether the model has a "distribution" signature.
func (m *Model) HasDistribution() bool { return m.dist != nil }

// Distribution runs the "distribution" signature (softmax over the training
// speakers) on n segments [n, Frames, Bins] and returns [n, S].
func (m *Model) Distribution(segs []float32, n int) (dist []float32, s int, err error) {
	if m.dist == nil {
		return nil, 0, fmt.Errorf("embed: model has no distribution signature")
	}
	return m.run(*m.dist, segs, n)
}

func (m *Model) run(out tf.Output, segs []float32, n int) (res []float32, dim int, err error) {
	defer guard(&err, "run")
	seg := m.Frames * m.Bins
	if len(segs) != n*seg {
		panic(fmt.Sprintf("embed: %d values for %d segments of %dx%d", len(segs), n, m.Frames, m.Bins))
	}
	for i := 0; i < n; i += m.batch {
		k := min(m.batch, n-i)
		r, d, err := m.runBatch(out, segs[i*seg:(i+k)*seg], k)
		if err != nil {
			return nil, 0, err
		}
		if res == nil {
			res, dim = make([]float32, 0, n*d), d
		}
		res = append(res, r...)
	}
	return res, dim, nil
}

// runBatch feeds one batch [k, Frames, Bins] and returns [k, dim].
func (m *Model) runBatch(out tf.Output, x []float32, k int) ([]float32, int, error) {
	t, err := tf.ReadTensor(tf.Float, []int64{int64(k), int64(m.Frames), int64(m.Bins)}, bytes.NewReader(f32Bytes(x)))
	if err != nil {
		return nil, 0, fmt.Errorf("embed: input tensor: %w", err)
	}
	r, err := m.sm.Session.Run(map[tf.Output]*tf.Tensor{m.in: t}, []tf.Output{out}, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("embed: run: %w", err)
	}
	return flatten(r[0], k)
}

// flatten returns a [k, d] float32 result as a flat slice.
func flatten(t *tf.Tensor, k int) ([]float32, int, error) {
	sh := t.Shape()
	if t.DataType() != tf.Float || len(sh) < 1 || sh[0] != int64(k) {
		return nil, 0, fmt.Errorf("embed: output %v %v, want float32 [%d, dim]", t.DataType(), sh, k)
	}
	d := 1
	for _, s := range sh[1:] {
		d *= int(s)
	}
	var buf bytes.Buffer
	if _, err := t.WriteContentsTo(&buf); err != nil {
		return nil, 0, fmt.Errorf("embed: output: %w", err)
	}
	b := buf.Bytes()
	out := make([]float32, k*d)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out, d, nil
}

// f32Bytes views x as its little-endian bytes (TensorFlow's layout on the
// little-endian hosts it supports).
func f32Bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
}
