package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// blockCall records one fused BlockLSTMV2 op: its inputs and outputs are
// what BlockLSTMGradV2 needs, and the weights it was built from.
type blockCall struct {
	w                   lstmWeights
	seqLen, x, cs0, h0  tf.Output
	wIn, bIn, peep      tf.Output
	i, cs, f, o, ci, co tf.Output
	h                   tf.Output // [T, batch, U] in processing order
}

// blstmBlock is blstm (same contract) with one fused BlockLSTMV2 op per
// direction. BlockLSTMV2 uses the Keras gate layout i, f, c, o, no forget
// bias, no cell clip (cell_clip 0), no peepholes; W = [kernel; recurrent]
// ([in+U, 4U]). The backward direction runs on the time-reversed input.
func (b *builder) blstmBlock(s *op.Scope, fw, bw lstmWeights, xTM tf.Output, sequences bool) tf.Output {
	T := b.cfg.Frames
	axis0 := op.Const(s.SubScope("axis0"), []int32{0})
	cf := b.blockLSTM(s.SubScope("fw"), fw, xTM)
	cb := b.blockLSTM(s.SubScope("bw"), bw, op.ReverseV2(s.SubScope("reverse_in"), xTM, axis0))
	if !sequences {
		last := func(h tf.Output) tf.Output {
			return op.Squeeze(s.SubScope("last"), op.Slice(s.SubScope("slice"), h,
				i32(s, int32(T-1), 0, 0), i32(s, 1, -1, -1)), op.SqueezeAxis([]int64{0}))
		}
		return concat(s, 1, last(cf.h), last(cb.h))
	}
	return concat(s, 2, cf.h, op.ReverseV2(s.SubScope("reverse_out"), cb.h, axis0))
}

// blockLSTM adds one BlockLSTMV2 over xTM [T, batch, in] from zero states
// and records it in b.blocks.
func (b *builder) blockLSTM(s *op.Scope, w lstmWeights, xTM tf.Output) blockCall {
	c := blockCall{w: w, x: xTM}
	c.seqLen = op.Const(s.SubScope("seq_len"), int64(b.cfg.Frames))
	batch := op.Slice(s.SubScope("batch"), op.Shape(s.SubScope("shape"), xTM, op.ShapeOutType(tf.Int32)),
		op.Const(s.SubScope("c"), []int32{1}), op.Const(s.SubScope("c"), []int32{1}))
	stateShape := concat(s, 0, batch, op.Const(s.SubScope("c"), []int32{int32(w.units)}))
	c.cs0 = op.Fill(s.SubScope("cs0"), stateShape, b.scalar(s, 0))
	c.h0 = op.Fill(s.SubScope("h0"), stateShape, b.scalar(s, 0))
	c.peep = op.Fill(s.SubScope("peephole"), op.Const(s.SubScope("c"), []int32{int32(w.units)}), b.scalar(s, 0))
	c.wIn = concat(s, 0, w.kernel, w.recurrent)
	c.bIn = op.Identity(s.SubScope("b"), w.bias)
	c.i, c.cs, c.f, c.o, c.ci, c.co, c.h = op.BlockLSTMV2(s.SubScope("block"), c.seqLen, c.x, c.cs0, c.h0,
		c.wIn, c.peep, c.peep, c.peep, c.bIn)
	b.blocks = append(b.blocks, c)
	return c
}

// blockGrad adds BlockLSTMGradV2 for c given dL/dh [T, batch, U] and
// returns dL/dx, dL/dW, dL/db.
func (b *builder) blockGrad(c blockCall, hGrad tf.Output) (dx, dw, db tf.Output) {
	s := b.root.SubScope("gradients_block")
	zeros := op.ZerosLike(s.SubScope("cs_grad"), c.cs)
	dx, _, _, dw, _, _, _, db = op.BlockLSTMGradV2(s.SubScope("grad"), c.seqLen, c.x, c.cs0, c.h0,
		c.wIn, c.peep, c.peep, c.peep, c.bIn, c.i, c.cs, c.f, c.o, c.ci, c.co, c.h, zeros, hGrad, false)
	return dx, dw, db
}

// blockGradients returns d loss / d x for the trainable reads xs with the
// block LSTM: AddGradients from the loss to the BLSTM2 outputs and the dense
// weights, BlockLSTMGradV2 through BLSTM2, AddGradients from BLSTM2's
// inputs/weights to BLSTM1's outputs and BLSTM2's variables,
// BlockLSTMGradV2 through BLSTM1, AddGradients to BLSTM1's variables.
func (b *builder) blockGradients(loss tf.Output, xs []tf.Output) ([]tf.Output, error) {
	if len(b.blocks) < 4 {
		return nil, fmt.Errorf("graph: block gradients: %d BlockLSTMV2 ops, want 4", len(b.blocks))
	}
	l1fw, l1bw, l2fw, l2bw := b.blocks[0], b.blocks[1], b.blocks[2], b.blocks[3]
	got := map[string]tf.Output{}
	lstmVars := map[string]bool{}
	for _, c := range b.blocks[:4] {
		for _, v := range []tf.Output{c.w.kernel, c.w.recurrent, c.w.bias} {
			lstmVars[key(v)] = true
		}
	}
	var dense []tf.Output
	for _, x := range xs {
		if !lstmVars[key(x)] {
			dense = append(dense, x)
		}
	}
	g := b.g
	top, err := g.AddGradients("gradients", []tf.Output{loss}, append([]tf.Output{l2fw.h, l2bw.h}, dense...), nil)
	if err != nil {
		return nil, err
	}
	for i, x := range dense {
		got[key(x)] = top[2+i]
	}
	h1, err := b.blockLayerGrad("gradients_blstm2", l2fw, l2bw, top[0], top[1], []tf.Output{l1fw.h, l1bw.h}, got)
	if err != nil {
		return nil, err
	}
	if _, err := b.blockLayerGrad("gradients_blstm1", l1fw, l1bw, h1[0], h1[1], nil, got); err != nil {
		return nil, err
	}
	out := make([]tf.Output, len(xs))
	for i, x := range xs {
		out[i] = got[key(x)]
	}
	return out, nil
}

// blockLayerGrad back-propagates dL/dh of both directions of one BLSTM
// layer through BlockLSTMGradV2 and then, by AddGradients with prefix, to
// the layer's variables (stored in got) and to below (the gradients w.r.t.
// the outputs in below are returned).
func (b *builder) blockLayerGrad(prefix string, fw, bw blockCall, hfw, hbw tf.Output, below []tf.Output, got map[string]tf.Output) ([]tf.Output, error) {
	var ys, dys []tf.Output
	var params []tf.Output
	for k, c := range []blockCall{fw, bw} {
		dx, dw, db := b.blockGrad(c, []tf.Output{hfw, hbw}[k])
		ys = append(ys, c.x, c.wIn, c.bIn)
		dys = append(dys, dx, dw, db)
		params = append(params, c.w.kernel, c.w.recurrent, c.w.bias)
	}
	if err := b.root.Err(); err != nil {
		return nil, err
	}
	gs, err := b.g.AddGradients(prefix, ys, append(append([]tf.Output(nil), below...), params...), dys)
	if err != nil {
		return nil, err
	}
	for i, p := range params {
		got[key(p)] = gs[len(below)+i]
	}
	return gs[:len(below)], nil
}

// key identifies an output by op name and index.
func key(o tf.Output) string { return fmt.Sprintf("%s:%d", o.Op.Name(), o.Index) }
