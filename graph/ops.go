package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// builder carries the state of one Build call: the root scope (with the
// configured device), the dtype and the variables created so far.
type builder struct {
	cfg    Config
	g      *tf.Graph
	root   *op.Scope
	dt     tf.DataType
	vars   []Var
	seeds  int64       // next initialiser stream
	blocks []blockCall // BlockLSTMV2 ops in build order (LSTMImpl "block")
	// int8s: the int8 form of each kernelVar output by key (Precision "int8")
	int8s map[string]int8Kernel
	// floatInt8: int8 kernels multiply as dequantised float32 (no int8s)
	floatInt8 bool
	// inference: Build in Inference mode; dropout layers are identities
	// (no random mask computed and thrown away in served graphs).
	inference bool
	// slot is set while a tower of BuildTowers is built (towers.go).
	slot *towerSlot
	// ws is the towers' worker store (BuildWorkerInputTowers), else nil.
	ws *WorkerStore
	// wave holds the features of the embed_waveform part (BuildServing), else nil.
	wave *feature.Config
}

// named adds an op with an exact name (no scope prefix) to the graph.
func (b *builder) named(name, typ string, attrs map[string]any, inputs ...tf.Input) *tf.Operation {
	return b.root.AddOperation(tf.OpSpec{Type: typ, Name: name, Input: inputs, Attrs: attrs})
}

// rawOp adds an op of type typ in a fresh sub-scope of s; used for ops
// without a Go wrapper (Softplus, SelectV2, ...).
func rawOp(s *op.Scope, typ string, attrs map[string]any, inputs ...tf.Input) *tf.Operation {
	return s.SubScope(typ).AddOperation(tf.OpSpec{Type: typ, Input: inputs, Attrs: attrs})
}

// scalar returns a constant scalar of the builder's float dtype.
func (b *builder) scalar(s *op.Scope, v float64) tf.Output {
	if b.dt == tf.Double {
		return op.Const(s.SubScope("c"), v)
	}
	return op.Const(s.SubScope("c"), float32(v))
}

// i32 returns an int32 constant (scalar or vector).
func i32(s *op.Scope, v ...int32) tf.Output {
	if len(v) == 1 {
		return op.Const(s.SubScope("c"), v[0])
	}
	return op.Const(s.SubScope("c"), v)
}

// matmul is a 2-D MatMul in its own sub-scope; a: [m,k], b: [k,n] -> [m,n].
func matmul(s *op.Scope, a, b tf.Output, transB bool) tf.Output {
	return op.MatMul(s.SubScope("mm"), a, b, op.MatMulTransposeB(transB))
}

// add, mul, sub are element-wise with broadcasting, each in its own sub-scope.
func add(s *op.Scope, x, y tf.Output) tf.Output { return op.AddV2(s.SubScope("add"), x, y) }
func mul(s *op.Scope, x, y tf.Output) tf.Output { return op.Mul(s.SubScope("mul"), x, y) }
func sub(s *op.Scope, x, y tf.Output) tf.Output { return op.Sub(s.SubScope("sub"), x, y) }

// concat joins xs along axis.
func concat(s *op.Scope, axis int32, xs ...tf.Output) tf.Output {
	return op.ConcatV2(s.SubScope("concat"), xs, i32(s, axis))
}

// softplus is log(1+exp(x)) (op Softplus, no Go wrapper in the binding).
func softplus(s *op.Scope, x tf.Output) tf.Output {
	return rawOp(s, "Softplus", nil, x).Output(0)
}

// castTo casts x to dt.
func castTo(s *op.Scope, x tf.Output, dt tf.DataType) tf.Output {
	return op.Cast(s.SubScope("cast"), x, dt)
}

// sum reduces x over the given axes (keep_dims false).
func sum(s *op.Scope, x tf.Output, axes ...int32) tf.Output {
	return op.Sum(s.SubScope("sum"), x, op.Const(s.SubScope("axes"), axes))
}

// recoverErr turns a tfgo/op panic into an error (the package's one
// panic-to-error boundary, used by Build).
func recoverErr(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("graph: build: %v", r)
	}
}
