package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// Reduced precision (Config.Precision) touches only the operands of the
// network's matrix products; everything else stays in the model dtype.
//
//   - "bf16": lowp casts each operand to bfloat16 right before its MatMul
//     and highp casts the product back to float32. The variables read by
//     the graph are the float32 ones, so AddGradients differentiates
//     through Cast (C++ gradient: a Cast back) and Adam updates float32
//     master weights. Weight operands are cast once per tower, outside the
//     unrolled steps.
//   - "int8": each kernel variable holds int8 values q with a float32
//     per-output-column scale s (variable "<kernel>/scale"). The products
//     of the Inference graph's batch-major LSTMs and dense layers are int8
//     products (int8Product: uint8 activations times int8 weights, int32
//     sums, oneDNN's VNNI kernel behind QuantizedMatMulWithBias); any
//     other use of a kernel reads the dequantised float32(q) * s.

// lowp returns x converted to the compute precision of the products:
// bfloat16 for Precision "bf16", x itself otherwise. x: any float32 tensor.
func (b *builder) lowp(s *op.Scope, x tf.Output) tf.Output {
	if b.cfg.Precision != "bf16" {
		return x
	}
	return op.Cast(s.SubScope("to_bf16"), x, tf.Bfloat16)
}

// highp returns the product y back in the model dtype (float32 for
// "bf16"), y itself otherwise.
func (b *builder) highp(s *op.Scope, y tf.Output) tf.Output {
	if b.cfg.Precision != "bf16" {
		return y
	}
	return op.Cast(s.SubScope("to_f32"), y, tf.Float)
}

// product is a 2-D MatMul of a (already lowp) and w (already lowp) with
// the given transposes, returned in the model dtype.
func (b *builder) product(s *op.Scope, a, w tf.Output, transA, transB bool) tf.Output {
	mm := op.MatMul(s.SubScope("mm"), a, w, op.MatMulTransposeA(transA), op.MatMulTransposeB(transB))
	return b.highp(s, mm)
}

// kernelVar creates the kernel [in, out] of a product under name and
// returns the float tensor the graph multiplies with: the variable's read,
// or for Precision "int8" the dequantised float32(q) * scale of an int8
// variable name and a float32 [out] variable name+"/scale"; then the
// returned output's int8 form is recorded for int8Product (b.int8s).
func (b *builder) kernelVar(name string, shape []int64, init initFn) tf.Output {
	if b.cfg.Precision != "int8" {
		return b.weight(name, shape, init)
	}
	q := b.variable(name, shape, tf.Int8, false, func(s *op.Scope, _ tf.Output) tf.Output {
		return op.Fill(s.SubScope("zeros"), shapeConst(s, shape), op.Const(s.SubScope("c"), int8(0)))
	})
	sc := b.variable(name+"/scale", shape[1:], tf.Float, false, b.constInit(ones(int(shape[1]))))
	s := b.root.SubScope(name + "/dequantize")
	w := mul(s, castTo(s, q.Read, tf.Float), sc.Read)
	si := b.root.SubScope(name + "/int8")
	colSum := op.Sum(si.SubScope("colsum"), castTo(si, q.Read, tf.Int32), i32(si, 0))
	if b.floatInt8 {
		return w
	}
	if b.int8s == nil {
		b.int8s = map[string]int8Kernel{}
	}
	b.int8s[key(w)] = int8Kernel{
		q:     op.Bitcast(si.SubScope("q"), q.Read, tf.Qint8),
		scale: sc.Read,
		zero:  op.Bitcast(si.SubScope("zero"), mul(si, colSum, op.Const(si.SubScope("c"), int32(-actZero))), tf.Qint32),
	}
	return w
}

// int8Kernel is the int8 form of a kernel [in, out] (Precision "int8").
type int8Kernel struct {
	q     tf.Output // qint8 [in, out]: the kernel variable's values
	scale tf.Output // float32 [out]: per-column scale, W = q * scale
	// zero is qint32 [out] = -actZero * sum_i q[i, j]: added to the int32
	// sums it removes the zero point of the uint8 activations
	zero tf.Output
}

// actZero is the zero point of the uint8 activations of int8Product:
// u = round(a / scale) + actZero lies in [1, 255] for |a| <= 127 * scale.
const actZero = 128

// int8Of returns the int8 form of kernel w when the graph has one.
func (b *builder) int8Of(w tf.Output) (int8Kernel, bool) {
	k, ok := b.int8s[key(w)]
	return k, ok
}

// quantizeActs returns a: [m, k] float32 as uint8 (quint8) activations
// u = round(a / sa) + actZero and their scale sa, float32: sa = bound/127
// (a scalar) when |a| <= bound is known (bound > 0: the LSTM outputs,
// h = o * tanh(c)), else max|a[i, :]| / 127 per row ([m, 1]), so that a
// row's quantisation, and with it a segment's embedding, does not depend
// on the other rows of its batch.
func (b *builder) quantizeActs(s *op.Scope, a tf.Output, bound float64) (u, sa tf.Output) {
	var inv tf.Output
	if bound > 0 {
		sa, inv = op.Const(s.SubScope("scale"), float32(bound/127)), op.Const(s.SubScope("inv"), float32(127/bound))
	} else {
		m := op.Max(s.SubScope("max"), op.Abs(s.SubScope("abs"), a), i32(s, 1), op.MaxKeepDims(true))
		m = op.Maximum(s.SubScope("nonzero"), m, op.Const(s.SubScope("c"), float32(1e-30)))
		sa = op.Div(s.SubScope("scale"), m, op.Const(s.SubScope("c"), float32(127)))
		inv = op.Div(s.SubScope("inv"), op.Const(s.SubScope("c"), float32(127)), m)
	}
	// a/sa in [-127, 127]; + actZero + 0.5 in [1.5, 255.5], where Cast's
	// truncation is rounding to nearest
	v := add(s, mul(s, a, inv), op.Const(s.SubScope("c"), float32(actZero)+0.5))
	return op.Bitcast(s.SubScope("quint8"), castTo(s, v, tf.Uint8), tf.Quint8), sa
}

// int8Product returns u x k as float32 [m, out]: u [m, in] quint8 from
// quantizeActs, colScale = sa * k.scale ([out] or [m, out], int8Scale). The int32 sums
// are exact (QuantizedMatMulWithBias with the qint32 bias k.zero returns
// the raw sums; its float ranges only set the unused min/max outputs).
func (b *builder) int8Product(s *op.Scope, u tf.Output, k int8Kernel, colScale tf.Output) tf.Output {
	one := op.Const(s.SubScope("c"), float32(1))
	acc, _, _ := op.QuantizedMatMulWithBias(s.SubScope("qmm"), u, k.q, k.zero, op.Neg(s.SubScope("neg"), one), one,
		op.Neg(s.SubScope("neg"), one), one, op.QuantizedMatMulWithBiasToutput(tf.Qint32))
	return mul(s, castTo(s, op.Bitcast(s.SubScope("int32"), acc, tf.Int32), tf.Float), colScale)
}

// int8Scale returns sa * k.scale, the float scale of int8Product's sums:
// [out] for a scalar sa, [m, out] for per-row sa [m, 1].
func int8Scale(s *op.Scope, k int8Kernel, sa tf.Output) tf.Output {
	return mul(s.SubScope("col_scale"), k.scale, sa)
}

// matmulAny returns a x w (a: [m, in] float32, w a kernelVar) in the
// model dtype: an int8 product when w has an int8 form (the activations
// quantised with bound, as quantizeActs), else b.product of the lowp
// operands.
func (b *builder) matmulAny(s *op.Scope, a, w tf.Output, bound float64) tf.Output {
	if k, ok := b.int8Of(w); ok {
		u, sa := b.quantizeActs(s.SubScope("quantize"), a, bound)
		return b.int8Product(s, u, k, int8Scale(s, k, sa))
	}
	return b.product(s, b.lowp(s, a), b.lowp(s, w), false, false)
}

// ones returns n ones.
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
