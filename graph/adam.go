package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// gradients returns d loss / d v.Read for every trainable variable (in
// b.vars order), keyed by variable name.
func (b *builder) gradients(loss tf.Output) (map[string]tf.Output, []Var, error) {
	var train []Var
	var xs []tf.Output
	for _, v := range b.vars {
		if v.Trainable {
			train = append(train, v)
			xs = append(xs, v.Read)
		}
	}
	var gs []tf.Output
	var err error
	if b.cfg.LSTMImpl == "block" {
		gs, err = b.blockGradients(loss, xs)
	} else {
		gs, err = b.g.AddGradients("gradients", []tf.Output{loss}, xs, nil)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("graph: gradients: %w", err)
	}
	m := make(map[string]tf.Output, len(train))
	for i, v := range train {
		m[v.Name] = gs[i]
	}
	return m, train, nil
}

// adam adds Adam (ResourceApplyAdam, the TF1 AdamOptimizer update) for every
// trainable variable with slots "<name>/Adam" (m) and "<name>/Adam_1" (v),
// scalars "beta1_power", "beta2_power" and the int64 "global_step". It
// returns the NoOp "train": all updates, then beta powers *= beta and
// global_step += 1.
func (b *builder) adam(grads map[string]tf.Output, train []Var) (*tf.Operation, tf.Output) {
	c := b.cfg
	b1p := b.variable("beta1_power", nil, b.dt, false, b.constScalar(c.Beta1))
	b2p := b.variable("beta2_power", nil, b.dt, false, b.constScalar(c.Beta2))
	step := b.variable("global_step", nil, tf.Int64, false, func(s *op.Scope, _ tf.Output) tf.Output {
		return op.Const(s.SubScope("zero"), int64(0))
	})
	s := b.root.SubScope("Adam")
	lr, beta1, beta2 := b.scalar(s, c.LearningRate), b.scalar(s, c.Beta1), b.scalar(s, c.Beta2)
	eps := b.scalar(s, c.AdamEpsilon)
	var updates []*tf.Operation
	for _, v := range train {
		m := b.variable(v.Name+"/Adam", v.Shape, b.dt, false, b.zerosInit(v.Shape))
		vv := b.variable(v.Name+"/Adam_1", v.Shape, b.dt, false, b.zerosInit(v.Shape))
		updates = append(updates, op.ResourceApplyAdam(s.SubScope("update"), v.Handle, m.Handle, vv.Handle,
			b1p.Read, b2p.Read, lr, beta1, beta2, eps, grads[v.Name]))
	}
	after := s.WithControlDependencies(updates...)
	fin := []*tf.Operation{
		op.AssignVariableOp(after.SubScope("beta1_power"), b1p.Handle, mul(after, b1p.Read, beta1)),
		op.AssignVariableOp(after.SubScope("beta2_power"), b2p.Handle, mul(after, b2p.Read, beta2)),
		op.AssignAddVariableOp(after.SubScope("global_step"), step.Handle,
			op.Const(after.SubScope("one"), int64(1))),
	}
	trainOp := b.root.AddOperation(tf.OpSpec{Type: "NoOp", Name: "train", ControlDependencies: fin})
	return trainOp, step.Read
}

// constScalar initialises a scalar variable of the model dtype to v.
func (b *builder) constScalar(v float64) initFn {
	return func(s *op.Scope, _ tf.Output) tf.Output { return b.scalar(s, v) }
}
