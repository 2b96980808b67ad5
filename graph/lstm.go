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
// major) from ops that have C++ gradients. The input projection of all steps
// is one MatMul; each step is one fused-gate MatMul. hs[t] is the output at
// input position t: [batch, U]. With reverse the sequence is consumed from
// t = T-1 down to 0 (Keras go_backwards), so hs[0] is the final state.
func (b *builder) lstmUnrolled(s *op.Scope, w lstmWeights, xTM tf.Output, steps int, reverse bool) []tf.Output {
	u := w.units
	x2 := op.Reshape(s.SubScope("flat"), xTM, i32(s, -1, int32(w.in)))
	proj := op.BiasAdd(s.SubScope("bias"), matmul(s, x2, w.kernel, false), w.bias)
	proj = op.Reshape(s.SubScope("tm"), proj, i32(s, int32(steps), -1, int32(4*u)))
	xs := op.Unpack(s.SubScope("steps"), proj, int64(steps))
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
			z = add(st, z, matmul(st, h, w.recurrent, false))
		}
		i := op.Sigmoid(st.SubScope("i"), slice2(st, z, 0, u))
		f := op.Sigmoid(st.SubScope("f"), slice2(st, z, u, u))
		g := op.Tanh(st.SubScope("g"), slice2(st, z, 2*u, u))
		o := op.Sigmoid(st.SubScope("o"), slice2(st, z, 3*u, u))
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
	if !sequences {
		return concat(s, 1, hf[T-1], hb[0])
	}
	pf := op.Pack(s.SubScope("fw_seq"), hf)
	pb := op.Pack(s.SubScope("bw_seq"), hb)
	return concat(s, 2, pf, pb)
}
