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
//     per-output-column scale s (variable "<kernel>/scale"); the graph
//     dequantises W = float32(q) * s once per run and the products run in
//     float32 (doc.go: why not a quantised product).

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
// variable name and a float32 [out] variable name+"/scale".
func (b *builder) kernelVar(name string, shape []int64, init initFn) tf.Output {
	if b.cfg.Precision != "int8" {
		return b.weight(name, shape, init)
	}
	q := b.variable(name, shape, tf.Int8, false, func(s *op.Scope, _ tf.Output) tf.Output {
		return op.Fill(s.SubScope("zeros"), shapeConst(s, shape), op.Const(s.SubScope("c"), int8(0)))
	})
	sc := b.variable(name+"/scale", shape[1:], tf.Float, false, b.constInit(ones(int(shape[1]))))
	s := b.root.SubScope(name + "/dequantize")
	return mul(s, castTo(s, q.Read, tf.Float), sc.Read)
}

// ones returns n ones.
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
