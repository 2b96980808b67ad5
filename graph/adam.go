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
	unused := b.unusedByLoss()
	for _, v := range b.vars {
		if v.Trainable && !unused[layerOf(v.Name)] {
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
	if len(unused) == 0 {
		return m, train, nil
	}
	// the layers past the distilled one, with pkld_weight 0: gradient 0
	s := b.root.SubScope("gradients_unused")
	train = train[:0]
	for _, v := range b.vars {
		if v.Trainable {
			train = append(train, v)
			if unused[layerOf(v.Name)] {
				m[v.Name] = op.ZerosLike(s.SubScope("zeros"), v.Read)
			}
		}
	}
	return m, train, nil
}

// clipGlobalNorm adds "grad_norm", the L2 norm of all gradients of train
// as one vector (tf.linalg.global_norm: sqrt of the sum of 2·L2Loss), and
// returns the gradients Adam applies: grads themselves when Config.ClipNorm
// is 0, else every gradient times ClipNorm / max(norm, ClipNorm)
// (tf.clip_by_global_norm). The norm is built in every Train graph (a few
// ops on the summed gradients; run only when fetched), so a run without
// clipping logs it too.
func (b *builder) clipGlobalNorm(grads map[string]tf.Output, train []Var) (map[string]tf.Output, tf.Output) {
	s := b.root.SubScope("clip_by_global_norm")
	sq := make([]tf.Output, len(train))
	for i, v := range train {
		sq[i] = op.L2Loss(s.SubScope("l2"), grads[v.Name])
	}
	norm := op.Sqrt(s, mul(s, op.AddN(s, sq), b.scalar(s, 2)))
	gn := b.identity("grad_norm", norm)
	if b.cfg.ClipNorm == 0 {
		return grads, gn
	}
	clip := b.scalar(s, b.cfg.ClipNorm)
	scale := op.Div(s, clip, op.Maximum(s, norm, clip))
	out := make(map[string]tf.Output, len(grads))
	for _, v := range train {
		out[v.Name] = mul(s, grads[v.Name], scale)
	}
	return out, gn
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
