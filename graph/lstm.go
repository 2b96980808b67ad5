package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// lstmWeights are the Keras-layout weights of one LSTM direction:
// kernel [in, 4U], recurrent [U, 4U], bias [4U], gate order i, f, c, o.
type lstmWeights struct {
	kernel, recurrent, bias tf.Output
	in, units               int
}

// lstmVars creates the weights of one LSTM direction under name
// ("blstm1/fw"): Glorot-uniform kernel, orthogonal recurrent kernel, zero
// bias with 1 on the forget gate (Keras unit_forget_bias).
func (b *builder) lstmVars(name string, in, units int) lstmWeights {
	u := int64(units)
	bias := make([]float64, 4*units)
	for i := units; i < 2*units; i++ {
		bias[i] = 1
	}
	return lstmWeights{
		kernel:    b.weight(name+"/kernel", []int64{int64(in), 4 * u}, b.glorotUniform([]int64{int64(in), 4 * u})),
		recurrent: b.weight(name+"/recurrent_kernel", []int64{u, 4 * u}, b.orthogonal([]int64{u, 4 * u})),
		bias:      b.weight(name+"/bias", []int64{4 * u}, b.constInit(bias)),
		in:        in, units: units,
	}
}

// lstmUnrolled runs one LSTM direction over xTM: [T, batch, in] (time
// major) from ops that have C++ gradients. The recurrence runs feature
// major: the state of a step is [U, batch] and its gates come from
// recurrent^T [4U, U] x h [U, batch]. Against the batch-major form
// (h [batch, U] x recurrent) this is one GEMM shape that the CPU kernels
// run faster (M = 4U instead of M = batch), and the four gates are whole
// row blocks, so one Split (gradient: a Concat) cuts them where four column
// Slices would cost a Pad and an AddN each in the backward pass
// (bench/README.md has the measurement). The input projection of all
// steps is one MatMul producing [4U, T*batch], split into the steps'
// [4U, batch] column blocks. hs[t] is the output at input position t:
// [U, batch]. With reverse the sequence is consumed from t = T-1 down to 0
// (Keras go_backwards), so hs[0] is the final state.
func (b *builder) lstmUnrolled(s *op.Scope, w lstmWeights, xTM tf.Output, steps int, reverse bool) []tf.Output {
	u := w.units
	x2 := op.Reshape(s.SubScope("flat"), xTM, i32(s, -1, int32(w.in)))
	proj := op.MatMul(s.SubScope("proj"), w.kernel, x2, op.MatMulTransposeA(true), op.MatMulTransposeB(true))
	proj = add(s, proj, op.Reshape(s.SubScope("bias"), w.bias, i32(s, int32(4*u), 1)))
	xs := op.Split(s.SubScope("steps"), i32(s, 1), proj, int64(steps))
	hs := make([]tf.Output, steps)
	var h, c tf.Output
	for k := 0; k < steps; k++ {
		t := k
		if reverse {
			t = steps - 1 - k
		}
		st := s.SubScope("step")
		z := xs[t]
		if k > 0 {
			z = add(st, z, op.MatMul(st.SubScope("mm"), w.recurrent, h, op.MatMulTransposeA(true)))
		}
		gates := op.Split(st.SubScope("gates"), i32(st, 0), z, 4)
		i := op.Sigmoid(st.SubScope("i"), gates[0])
		f := op.Sigmoid(st.SubScope("f"), gates[1])
		g := op.Tanh(st.SubScope("g"), gates[2])
		o := op.Sigmoid(st.SubScope("o"), gates[3])
		if k == 0 {
			c = mul(st, i, g)
		} else {
			c = add(st, mul(st, f, c), mul(st, i, g))
		}
		h = mul(st, o, op.Tanh(st.SubScope("tanh_c"), c))
		hs[t] = h
	}
	return hs
}

// blstm is one bidirectional LSTM layer over xTM [T, batch, in] with the
// weights of both directions. With sequences it returns [T, batch, 2U] (fw
// and bw outputs concatenated per position, bw re-aligned to input order as
// Keras Bidirectional does); otherwise [batch, 2U] = concat(fw output at the
// last step, bw output after consuming the reversed sequence).
func (b *builder) blstm(s *op.Scope, fw, bw lstmWeights, xTM tf.Output, sequences bool) tf.Output {
	T := b.cfg.Frames
	if b.cfg.LSTMImpl == "block" {
		return b.blstmBlock(s, fw, bw, xTM, sequences)
	}
	hf := b.lstmUnrolled(s.SubScope("fw"), fw, xTM, T, false)
	hb := b.lstmUnrolled(s.SubScope("bw"), bw, xTM, T, true)
	// back from feature major: [2U, batch] -> [batch, 2U], [T, 2U, batch] -> [T, batch, 2U]
	if !sequences {
		return op.Transpose(s.SubScope("batch_major"), concat(s, 0, hf[T-1], hb[0]), i32(s, 1, 0))
	}
	pf := op.Pack(s.SubScope("fw_seq"), hf)
	pb := op.Pack(s.SubScope("bw_seq"), hb)
	return op.Transpose(s.SubScope("batch_major"), concat(s, 1, pf, pb), i32(s, 0, 2, 1))
}
