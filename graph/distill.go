package graph

import (
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// distillEps keeps the L2 normalisations defined at a zero vector:
// x / sqrt(|x|^2 + distillEps).
const distillEps = 1e-12

// teacherInputs adds the Train-mode inputs of the distillation term
// (Config.Distill not "none"): "teacher" [batch, TeacherDim], the teacher
// embedding of each segment's utterance, and "teacher_mask" [batch], 1
// where the segment has one, 0 where it has none (its rows take no part
// in the term), both of the model dtype.
func (b *builder) teacherInputs(m *Model) {
	m.Teacher = b.placeholder("teacher", b.dt, -1, int64(b.cfg.TeacherDim))
	m.TeacherMask = b.placeholder("teacher_mask", b.dt, -1)
}

// distillLoss returns the scalar distillation term of Config.Distill
// between the student layer e: [batch, W] (Config.DistillLayer) and the
// teacher t: [batch, D] with mask: [batch] (1 = the segment has a teacher):
//
//	relational: mean over masked pairs i<j of (cos(e_i,e_j) - cos(t_i,t_j))^2
//	regression: mean over masked rows i of 1 - cos(W e_i, t_i)
//
// where W [W, D] is the trainable "distill/projection" (Glorot uniform,
// created here: saved in checkpoints, not part of an Inference graph). A
// batch without masked pairs (rows) gives 0. cos(a,b) = a.b / (|a| |b|),
// each norm taken as sqrt(|x|^2 + 1e-12).
func (b *builder) distillLoss(e, t, mask tf.Output) tf.Output {
	s := b.root.SubScope("distill_fn")
	if b.cfg.Distill == spec.DistillRegression {
		width := int64(b.cfg.LayerWidth(b.cfg.DistillLayer))
		shape := []int64{width, int64(b.cfg.TeacherDim)}
		w := b.weight("distill/projection", shape, b.glorotUniform(shape))
		p := matmul(s, e, w, false)
		cos := sum(s, mul(s, b.unit(s, p), b.unit(s, t)), 1) // [batch]
		loss := sum(s, mul(s, mask, sub(s, b.scalar(s, 1), cos)), 0)
		return op.Div(s.SubScope("mean"), loss, op.Maximum(s.SubScope("n"), sum(s, mask, 0), b.scalar(s, 1)))
	}
	es, ts := b.unit(s, e), b.unit(s, t)
	d := sub(s, matmul(s, es, es, true), matmul(s, ts, ts, true)) // [batch, batch]
	upper, _ := pairMasks(s, op.Cast(s.SubScope("rows"), mask, tf.Int32), b.dt)
	col := op.Reshape(s.SubScope("mask_col"), mask, i32(s, -1, 1))
	row := op.Reshape(s.SubScope("mask_row"), mask, i32(s, 1, -1))
	pm := mul(s, upper, mul(s, col, row))
	loss := sum(s, mul(s, pm, mul(s, d, d)), 0, 1)
	return op.Div(s.SubScope("mean"), loss, op.Maximum(s.SubScope("npairs"), sum(s, pm, 0, 1), b.scalar(s, 1)))
}

// unusedByLoss names the layers (variable name prefixes) the loss does
// not reach: with pkld_weight 0 those after Config.DistillLayer, whose
// gradients are zero (AddGradients refuses unreachable variables).
func (b *builder) unusedByLoss() map[string]bool {
	c := b.cfg
	if c.Distill == spec.DistillNone || c.PKLD() != 0 {
		return nil
	}
	after := map[string][]string{"L3": {"dense1", "dense2", "output"}, "L4": {"dense2", "output"},
		"L5": {"dense2", "output"}, "L6": {"output"}}[c.DistillLayer]
	m := map[string]bool{}
	for _, l := range after {
		m[l] = true
	}
	return m
}

// layerOf is the layer prefix of a variable name: "dense1" of
// "dense1/kernel".
func layerOf(name string) string {
	l, _, _ := strings.Cut(name, "/")
	return l
}

// unit returns the rows of x: [n, k] scaled to unit L2 norm,
// x / sqrt(sum x^2 + 1e-12) (Rsqrt, which has a C++ gradient).
func (b *builder) unit(s *op.Scope, x tf.Output) tf.Output {
	n := op.Reshape(s.SubScope("sq_col"), sum(s, mul(s, x, x), 1), i32(s, -1, 1))
	return mul(s, x, op.Rsqrt(s.SubScope("rsqrt"), add(s, n, b.scalar(s, distillEps))))
}

// combineLoss returns the Train loss: PKLDWeight*pkld + DistillWeight*distill
// without distillation the PKLD term alone (pkld itself), with
// PKLDWeight 0 the distillation term alone (pkld unused: the zero Output).
func (b *builder) combineLoss(s *op.Scope, pkld, distill tf.Output) tf.Output {
	if distill.Op == nil {
		return pkld
	}
	d := mul(s, b.scalar(s, b.cfg.DistillWeight), distill)
	if pkld.Op == nil {
		return d
	}
	return add(s, mul(s, b.scalar(s, b.cfg.PKLD()), pkld), d)
}
