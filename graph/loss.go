package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// pairInputs are the Train-mode inputs the losses read.
type pairInputs struct {
	labels             tf.Output // [batch] int32 speaker index
	pairI, pairJ, same tf.Output // [P] int32, [P] int32, [P] float32 (seed loss)
}

// buildLoss returns the scalar loss of cfg.Loss over dist: [batch, S].
// p = dist + Epsilon (no clipping, no renormalisation); log p is taken of it.
func (b *builder) buildLoss(dist tf.Output, in pairInputs) tf.Output {
	s := b.root.SubScope("loss_fn")
	p := add(s, dist, b.scalar(s, b.cfg.Epsilon))
	logp := op.Log(s.SubScope("log"), p)
	if b.cfg.Loss == "seed" {
		return b.seedLoss(s, p, logp, in)
	}
	kl := klMatrix(s, p, logp)
	upper, same := pairMasks(s, in.labels, b.dt)
	is := mul(s, upper, same)
	ids := sub(s, upper, is)
	m := b.scalar(s, b.cfg.Margin)
	term := func(d tf.Output) tf.Output {
		return add(s, mul(s, is, d), mul(s, ids, b.hinge(s, sub(s, m, d))))
	}
	klT := op.Transpose(s.SubScope("kl_t"), kl, i32(s, 1, 0))
	var total tf.Output
	if b.cfg.Loss == "symmetric" {
		total = term(add(s, kl, klT))
	} else { // pkld: both directions
		total = add(s, term(kl), term(klT))
	}
	npairs := op.Maximum(s.SubScope("npairs"), sum(s, upper, 0, 1), b.scalar(s, 1))
	return op.Div(s.SubScope("mean"), sum(s, total, 0, 1), npairs)
}

// klMatrix returns K: [batch, batch] with K[i,j] = KL(p_i || p_j) =
// sum_k p_ik log p_ik - (P @ logP^T)[i,j]; p, logp: [batch, S].
func klMatrix(s *op.Scope, p, logp tf.Output) tf.Output {
	h := sum(s, mul(s, p, logp), 1)
	h = op.Reshape(s.SubScope("col"), h, i32(s, -1, 1))
	return sub(s, h, matmul(s, p, logp, true))
}

// pairMasks returns upper[i,j] = 1 for i < j and same[i,j] = 1 when
// labels[i] == labels[j], both [batch, batch] of dtype dt.
func pairMasks(s *op.Scope, labels tf.Output, dt tf.DataType) (upper, same tf.Output) {
	n := op.Size(s.SubScope("n"), labels, op.SizeOutType(tf.Int32))
	r := op.Range(s.SubScope("range"), i32(s, 0), n, i32(s, 1))
	col := func(x tf.Output) tf.Output { return op.Reshape(s.SubScope("col"), x, i32(s, -1, 1)) }
	row := func(x tf.Output) tf.Output { return op.Reshape(s.SubScope("row"), x, i32(s, 1, -1)) }
	upper = castTo(s, op.Less(s.SubScope("less"), col(r), row(r)), dt)
	same = castTo(s, op.Equal(s.SubScope("eq"), col(labels), row(labels)), dt)
	return upper, same
}

// hinge is max(0, x) or softplus(x) per cfg.Hinge.
func (b *builder) hinge(s *op.Scope, x tf.Output) tf.Output {
	if b.cfg.Hinge == "softplus" {
		return softplus(s, x)
	}
	return op.Relu(s.SubScope("hinge"), x)
}

// seedLoss is the original Keras setup: explicit pairs, one direction,
// mean over pairs of same*KL(p_i||p_j) + (1-same)*hinge(margin - KL).
// Rows are selected by one-hot matrices so every op has a C++ gradient.
func (b *builder) seedLoss(s *op.Scope, p, logp tf.Output, in pairInputs) tf.Output {
	n := op.Shape(s.SubScope("n"), p, op.ShapeOutType(tf.Int32))
	n = op.Slice(s.SubScope("n0"), n, op.Const(s.SubScope("c"), []int32{0}), op.Const(s.SubScope("c"), []int32{1}))
	n = op.Reshape(s.SubScope("n_scalar"), n, op.Const(s.SubScope("c"), []int32{}))
	sel := func(idx tf.Output) tf.Output {
		return op.OneHot(s.SubScope("one_hot"), idx, n, b.scalar(s, 1), b.scalar(s, 0))
	}
	gi, gj := sel(in.pairI), sel(in.pairJ)
	pi := matmul(s, gi, p, false)
	kl := sum(s, mul(s, pi, sub(s, matmul(s, gi, logp, false), matmul(s, gj, logp, false))), 1)
	same := castTo(s, in.same, b.dt)
	m := b.scalar(s, b.cfg.Margin)
	l := add(s, mul(s, same, kl), mul(s, sub(s, b.scalar(s, 1), same), b.hinge(s, sub(s, m, kl))))
	return op.Mean(s.SubScope("mean"), l, i32(s, 0))
}
