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
	// inBound > 0 is a bound on |input| known from the network (the
	// second BLSTM reads the first's h = o * tanh(c), |h| < 1); int8
	// products quantise such inputs with a fixed scale (quantizeActs)
	inBound float64
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
		kernel:    b.kernelVar(name+"/kernel", []int64{int64(in), 4 * u}, b.glorotUniform([]int64{int64(in), 4 * u})),
		recurrent: b.kernelVar(name+"/recurrent_kernel", []int64{u, 4 * u}, b.orthogonal([]int64{u, 4 * u})),
		bias:      b.weight(name+"/bias", []int64{4 * u}, b.constInit(bias)),
		in:        in, units: units,
	}
}

// lstmUnrolled runs one LSTM direction over xTM: [T, batch, in] (time
// major) from ops that have C++ gradients: one MatMul projects the input of
// all steps, then each step is one MatMul with the recurrent kernel, one
// Split into the four gates (its gradient is one Concat, where four Slices
// would cost a Pad each and an AddN) and the element-wise cell. hs[t] is
// the output at input position t. With reverse the sequence is consumed
// from t = T-1 down to 0 (Keras go_backwards), so hs[0] is the final state.
//
// Two layouts, chosen by measurement (graph/doc.go):
//   - feature major (training graphs): states are [U, batch] and the gates
//     come from recurrent^T x h; forward plus backward of the recurrence
//     runs ~25% faster than batch major on CPU;
//   - batch major (Inference graphs): states are [batch, U] and the gates
//     come from h x recurrent; forward alone is faster this way, since the
//     transposed-operand MatMul of the feature-major forward is the slow
//     one.
func (b *builder) lstmUnrolled(s *op.Scope, w lstmWeights, xTM tf.Output, steps int, reverse, featureMajor bool) []tf.Output {
	u := w.units
	// products in Config.Precision: operands through lowp (the recurrent
	// kernel once, h at every step), results back through product/highp;
	// with int8 kernels (batch major) int8 products, h quantised with the
	// fixed scale 1/127 (|h| < 1)
	flat := op.Reshape(s.SubScope("flat"), xTM, i32(s, -1, int32(w.in)))
	x2 := b.lowp(s, flat)
	kernel, recurrent := b.lowp(s, w.kernel), b.lowp(s, w.recurrent)
	rq, int8 := b.int8Of(w.recurrent)
	int8 = int8 && !featureMajor
	var recScale tf.Output
	if int8 {
		recScale = int8Scale(s, rq, op.Const(s.SubScope("h_scale"), float32(1.0/127)))
	}
	var xs []tf.Output
	gateAxis := int32(1)
	if int8 {
		// [T*batch, 4U] -> [T, batch, 4U], unpacked into the steps
		proj := op.BiasAdd(s.SubScope("bias"), b.matmulAny(s.SubScope("proj"), flat, w.kernel, w.inBound), w.bias)
		proj = op.Reshape(s.SubScope("tm"), proj, i32(s, int32(steps), -1, int32(4*u)))
		xs = op.Unpack(s.SubScope("steps"), proj, int64(steps))
	} else if featureMajor {
		// [4U, T*batch], split into the steps' [4U, batch] column blocks
		proj := b.product(s.SubScope("proj"), kernel, x2, true, true)
		proj = add(s, proj, op.Reshape(s.SubScope("bias"), w.bias, i32(s, int32(4*u), 1)))
		xs = op.Split(s.SubScope("steps"), i32(s, 1), proj, int64(steps))
		gateAxis = 0
	} else {
		// [T*batch, 4U] -> [T, batch, 4U], unpacked into the steps
		proj := op.BiasAdd(s.SubScope("bias"), b.product(s, x2, kernel, false, false), w.bias)
		proj = op.Reshape(s.SubScope("tm"), proj, i32(s, int32(steps), -1, int32(4*u)))
		xs = op.Unpack(s.SubScope("steps"), proj, int64(steps))
	}
	hs := make([]tf.Output, steps)
	var h, c tf.Output
	for k := 0; k < steps; k++ {
		t := k
		if reverse {
			t = steps - 1 - k
		}
		st := s.SubScope("step")
		z := xs[t]
		if k > 0 && int8 {
			hq, _ := b.quantizeActs(st.SubScope("quantize"), h, 1)
			z = add(st, z, b.int8Product(st, hq, rq, recScale))
		} else if k > 0 && featureMajor {
			z = add(st, z, b.product(st, recurrent, b.lowp(st, h), true, false))
		} else if k > 0 {
			z = add(st, z, b.product(st, b.lowp(st, h), recurrent, false, false))
		}
		gates := op.Split(st.SubScope("gates"), i32(st, gateAxis), z, 4)
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
	fm := !b.inference
	hf := b.lstmUnrolled(s.SubScope("fw"), fw, xTM, T, false, fm)
	hb := b.lstmUnrolled(s.SubScope("bw"), bw, xTM, T, true, fm)
	if !fm {
		if !sequences {
			return concat(s, 1, hf[T-1], hb[0])
		}
		return concat(s, 2, op.Pack(s.SubScope("fw_seq"), hf), op.Pack(s.SubScope("bw_seq"), hb))
	}
	// back from feature major: [2U, batch] -> [batch, 2U], [T, 2U, batch] -> [T, batch, 2U]
	if !sequences {
		return op.Transpose(s.SubScope("batch_major"), concat(s, 0, hf[T-1], hb[0]), i32(s, 1, 0))
	}
	pf := op.Pack(s.SubScope("fw_seq"), hf)
	pb := op.Pack(s.SubScope("bw_seq"), hb)
	return op.Transpose(s.SubScope("batch_major"), concat(s, 1, pf, pb), i32(s, 0, 2, 1))
}
