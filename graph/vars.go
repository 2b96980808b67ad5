package graph

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// Var is one resource variable of the graph: a VarHandleOp whose op name
// equals its shared name (the checkpoint key), its read and its initialiser.
type Var struct {
	Name        string        // shared name and checkpoint key, e.g. "blstm1/fw/kernel"
	Shape       []int64       // static shape
	DType       tf.DataType   // Float, Double or Int64 (global_step)
	Trainable   bool          // model weights (true) vs optimiser state (false)
	Handle      tf.Output     // VarHandleOp output (resource)
	Read        tf.Output     // ReadVariableOp output: the value used by the graph
	Initializer *tf.Operation // AssignVariableOp of the initial value
	initValue   tf.Output     // input of Initializer; SetWeights feeds it
}

// initFn builds an initial value in scope s from a stateless seed [2] int64.
type initFn func(s *op.Scope, seed tf.Output) tf.Output

// variable creates a resource variable named name with the given shape and
// initialiser, records it in b.vars and returns it.
func (b *builder) variable(name string, shape []int64, dt tf.DataType, trainable bool, init initFn) Var {
	h := b.named(name, "VarHandleOp", map[string]any{
		"dtype": dt, "shape": tf.MakeShape(shape...), "shared_name": name, "container": "",
	}).Output(0)
	s := b.root.SubScope(name + "/Initializer")
	seed := op.Const(s.SubScope("seed"), []int64{b.cfg.Seed, b.seeds})
	b.seeds++
	v := Var{Name: name, Shape: shape, DType: dt, Trainable: trainable, Handle: h}
	v.initValue = init(s, seed)
	v.Initializer = b.named(name+"/Assign", "AssignVariableOp", map[string]any{"dtype": dt}, h, v.initValue)
	v.Read = b.named(name+"/Read/ReadVariableOp", "ReadVariableOp", map[string]any{"dtype": dt}, h).Output(0)
	b.vars = append(b.vars, v)
	return v
}

// weight creates a trainable variable of the model dtype.
func (b *builder) weight(name string, shape []int64, init initFn) tf.Output {
	return b.variable(name, shape, b.dt, true, init).Read
}

// shapeConst is shape as an int32 constant.
func shapeConst(s *op.Scope, shape []int64) tf.Output {
	v := make([]int32, len(shape))
	for i, d := range shape {
		v[i] = int32(d)
	}
	return op.Const(s.SubScope("shape"), v)
}

// glorotUniform is Keras' GlorotUniform for a [fanIn, fanOut] kernel:
// U(-l, l) with l = sqrt(6/(fanIn+fanOut)).
func (b *builder) glorotUniform(shape []int64) initFn {
	return func(s *op.Scope, seed tf.Output) tf.Output {
		lim := math.Sqrt(6 / float64(shape[0]+shape[1]))
		u := op.StatelessRandomUniform(s.SubScope("uniform"), shapeConst(s, shape), seed,
			op.StatelessRandomUniformDtype(b.dt))
		return sub(s, mul(s, u, b.scalar(s, 2*lim)), b.scalar(s, lim))
	}
}

// orthogonal is Keras' Orthogonal (gain 1) for a [rows, cols] kernel with
// rows <= cols: Q of the QR decomposition of a [cols, rows] standard normal
// matrix, sign-corrected by diag(R), transposed.
func (b *builder) orthogonal(shape []int64) initFn {
	return func(s *op.Scope, seed tf.Output) tf.Output {
		rows, cols := shape[0], shape[1]
		n := op.StatelessRandomNormal(s.SubScope("normal"), shapeConst(s, []int64{cols, rows}), seed,
			op.StatelessRandomNormalDtype(b.dt))
		q, r := op.Qr(s.SubScope("qr"), n)
		d := op.Sign(s.SubScope("sign"), op.MatrixDiagPart(s.SubScope("diag"), r))
		return op.Transpose(s.SubScope("t"), mul(s, q, d), i32(s, 1, 0))
	}
}

// constInit fills a vector variable with values (zeros, or the LSTM bias
// with forget-gate ones).
func (b *builder) constInit(values []float64) initFn {
	return func(s *op.Scope, _ tf.Output) tf.Output {
		if b.dt == tf.Double {
			return op.Const(s.SubScope("value"), values)
		}
		f := make([]float32, len(values))
		for i, v := range values {
			f[i] = float32(v)
		}
		return op.Const(s.SubScope("value"), f)
	}
}

// zerosInit fills a variable of any shape with zeros.
func (b *builder) zerosInit(shape []int64) initFn {
	return func(s *op.Scope, _ tf.Output) tf.Output {
		return op.Fill(s.SubScope("zeros"), shapeConst(s, shape), b.scalar(s, 0))
	}
}
