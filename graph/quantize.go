package graph

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// QuantizeColumns quantises w: [rows, cols] (row major) to int8 with one
// symmetric scale per column (output channel): scale[j] = max_i |w[i,j]|
// / 127 (1 for an all-zero column), q[i,j] = round(w[i,j] / scale[j]),
// which lies in [-127, 127]. q (len rows*cols) and scale (len cols) are
// the caller's buffers. The dequantised value q*scale is within scale/2
// of w.
func QuantizeColumns(q []int8, scale []float32, w []float32, rows, cols int) {
	if len(w) != rows*cols || len(q) != rows*cols || len(scale) != cols {
		panic("graph: QuantizeColumns: length mismatch")
	}
	for j := 0; j < cols; j++ {
		var m float64
		for i := 0; i < rows; i++ {
			m = math.Max(m, math.Abs(float64(w[i*cols+j])))
		}
		s := m / 127
		if s == 0 {
			s = 1
		}
		scale[j] = float32(s)
		for i := 0; i < rows; i++ {
			v := math.Round(float64(w[i*cols+j]) / s)
			q[i*cols+j] = int8(math.Max(-127, math.Min(127, v)))
		}
	}
}

// SetFloatWeights assigns float32 model weights w (by variable name, as
// Weights of a float32 model of the same Config returns them; optimiser
// state is ignored) to m. For Precision "int8" the int8 kernels are
// quantised with QuantizeColumns and their "<kernel>/scale" variables
// set; other variables are assigned as they are. Every model variable of
// m must be in w.
func (m *Model) SetFloatWeights(sess *tf.Session, w map[string]*tf.Tensor) error {
	out := make(map[string]*tf.Tensor)
	for _, v := range m.Vars {
		if v.DType == tf.Float && m.byName[trimScale(v.Name)].DType == tf.Int8 {
			continue // a scale, set with its kernel
		}
		if !v.Trainable && v.DType != tf.Int8 {
			continue
		}
		t, ok := w[v.Name]
		if !ok {
			return fmt.Errorf("graph: set float weights: no value for %q", v.Name)
		}
		if v.DType != tf.Int8 {
			out[v.Name] = t
			continue
		}
		q, s, err := quantizeTensor(t, v.Shape)
		if err != nil {
			return fmt.Errorf("graph: set float weights: %s: %w", v.Name, err)
		}
		out[v.Name], out[v.Name+"/scale"] = q, s
	}
	return m.SetWeights(sess, out)
}

// trimScale returns the kernel name of a "<kernel>/scale" variable name.
func trimScale(name string) string {
	const suffix = "/scale"
	if len(name) > len(suffix) && name[len(name)-len(suffix):] == suffix {
		return name[:len(name)-len(suffix)]
	}
	return ""
}

// quantizeTensor quantises a float32 [rows, cols] tensor per column.
func quantizeTensor(t *tf.Tensor, shape []int64) (q, scale *tf.Tensor, err error) {
	if t.DataType() != tf.Float || len(shape) != 2 || !sameShape(t.Shape(), shape) {
		return nil, nil, fmt.Errorf("got %v %v, want float32 %v", t.DataType(), t.Shape(), shape)
	}
	rows, cols := int(shape[0]), int(shape[1])
	w := make([]float32, 0, rows*cols)
	for _, row := range t.Value().([][]float32) {
		w = append(w, row...)
	}
	qv, sv := make([]int8, rows*cols), make([]float32, cols)
	QuantizeColumns(qv, sv, w, rows, cols)
	if q, err = tf.NewTensor(qv); err == nil {
		err = q.Reshape(shape)
	}
	if err != nil {
		return nil, nil, err
	}
	scale, err = tf.NewTensor(sv)
	return q, scale, err
}
