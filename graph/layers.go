package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	tg "github.com/galeone/tfgo"
)

// denseWeights are the variables of one dense layer: kernel [in, out],
// bias [out], and for PReLU the per-unit slope alpha [out].
type denseWeights struct {
	kernel, bias, alpha tf.Output
	out                 int
	act                 string
	inBound             float64 // > 0: a known bound on |input| (lstmWeights.inBound)
}

// denseVars creates a dense layer's variables under name: Glorot-uniform
// kernel, zero bias (Keras Dense defaults), zero PReLU slope (Keras PReLU).
func (b *builder) denseVars(name string, in, out int, act string) denseWeights {
	shape := []int64{int64(in), int64(out)}
	w := denseWeights{out: out, act: act}
	w.kernel = b.kernelVar(name+"/kernel", shape, b.glorotUniform(shape))
	w.bias = b.weight(name+"/bias", shape[1:], b.zerosInit(shape[1:]))
	if act == "prelu" {
		w.alpha = b.weight(name+"/alpha", shape[1:], b.zerosInit(shape[1:]))
	}
	return w
}

// dense returns x @ kernel + bias (pre-activation) and act of it, built
// with tfgo's Tensor API (MatMul, then a broadcast Add of the bias);
// x: [batch, in] -> [batch, out] both. With Precision "bf16" the operands
// are cast to bfloat16 and the product back to float32 before the bias;
// with int8 kernels it is an int8 product (matmulAny).
func (b *builder) dense(s *op.Scope, x tf.Output, w denseWeights) (pre, post tf.Output) {
	if _, ok := b.int8Of(w.kernel); ok {
		pre = op.BiasAdd(s.SubScope("bias"), b.matmulAny(s.SubScope("int8"), x, w.kernel, w.inBound), w.bias)
	} else if b.cfg.Precision == "bf16" {
		mm := tg.NewTensor(s, b.lowp(s, x)).MatMul(b.lowp(s, w.kernel))
		pre = mm.Cast(tf.Float).Add(w.bias).Output
	} else {
		pre = tg.NewTensor(s, x).MatMul(w.kernel).Add(w.bias).Output
	}
	return pre, b.activation(s, pre, w)
}

// activation applies w.act ("linear", "relu", "softplus", "prelu",
// "softmax") to y: [batch, n]. PReLU is relu(y) - alpha*relu(-y).
func (b *builder) activation(s *op.Scope, y tf.Output, w denseWeights) tf.Output {
	switch w.act {
	case "linear":
		return y
	case "relu":
		return op.Relu(s.SubScope("relu"), y)
	case "softplus":
		return softplus(s, y)
	case "softmax":
		return op.Softmax(s.SubScope("softmax"), y)
	case "prelu":
		pos := op.Relu(s.SubScope("relu_pos"), y)
		neg := op.Relu(s.SubScope("relu_neg"), op.Neg(s.SubScope("neg"), y))
		return sub(s, pos, mul(s, w.alpha, neg))
	}
	panic("graph: unknown activation " + w.act)
}

// dropout is inverted dropout of x (any shape) at rate, active only when
// training (bool scalar) is true. The mask comes from StatelessRandomUniform
// keyed by [seed, 2*step+k] where seed = [seed, step] is the fed
// "dropout_seed" and k the index of this dropout layer: reproducible and
// resumable. A negative rate, or an Inference-mode build, returns x
// unchanged.
func (b *builder) dropout(s *op.Scope, x, training, seed tf.Output, rate float64, k int64, rank, batchAxis int) tf.Output {
	if rate < 0 || b.inference {
		return op.Identity(s.SubScope("off"), x)
	}
	sk := add(s, op.Mul(s.SubScope("mul"), seed, op.Const(s.SubScope("c"), []int64{1, 2})),
		op.Const(s.SubScope("c"), []int64{0, k}))
	u := b.towerMask(s, op.Shape(s.SubScope("shape"), x), sk, rank, batchAxis)
	keep := castTo(s, op.GreaterEqual(s.SubScope("ge"), u, b.scalar(s, rate)), b.dt)
	keep = mul(s, keep, b.scalar(s, 1/(1-rate)))
	t := castTo(s, training, b.dt)
	scale := add(s, mul(s, t, keep), sub(s, b.scalar(s, 1), t))
	return mul(s, x, scale)
}
