package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// netWeights are all model variables; towers built from them share weights.
type netWeights struct {
	l1fw, l1bw, l2fw, l2bw lstmWeights
	d1, d2, out            denseWeights
}

// newNet creates the model variables in checkpoint order:
// blstm1/{fw,bw}, blstm2/{fw,bw}, dense1, dense2, output.
func (b *builder) newNet() netWeights {
	c := b.cfg
	w := netWeights{
		l1fw: b.lstmVars("blstm1/fw", c.Bins, c.LSTM1),
		l1bw: b.lstmVars("blstm1/bw", c.Bins, c.LSTM1),
		l2fw: b.lstmVars("blstm2/fw", 2*c.LSTM1, c.LSTM2),
		l2bw: b.lstmVars("blstm2/bw", 2*c.LSTM1, c.LSTM2),
		d1:   b.denseVars("dense1", 2*c.LSTM2, c.Dense1, c.DenseActivation),
		d2:   b.denseVars("dense2", c.Dense1, c.Dense2, c.DenseActivation),
		out:  b.denseVars("output", c.Dense2, c.Speakers, c.OutputActivation),
	}
	// inputs bounded by |h| < 1: BLSTM2 and dense1 read LSTM outputs
	// (dropout is off wherever int8 products are built: Inference graphs)
	w.l2fw.inBound, w.l2bw.inBound, w.d1.inBound = 1, 1, 1
	return w
}

// tower builds the network on x: [batch, Frames, Bins] and returns its
// layers: "L1" [batch, Frames, 2*LSTM1] BLSTM1 sequence, "L2" its dropout,
// "L3" [batch, 2*LSTM2] BLSTM2 last output, "L4" [batch, Dense1], "L5" its
// dropout, "L6" [batch, Dense2], "L7" [batch, S] output logits (before the
// output activation), "distribution" [batch, S] after it.
func (b *builder) tower(name string, w netWeights, x, training, seed tf.Output) map[string]tf.Output {
	s := b.root.SubScope(name)
	perm := i32(s, 1, 0, 2)
	xTM := op.Transpose(s.SubScope("time_major"), x, perm)
	l1 := b.blstm(s.SubScope("blstm1"), w.l1fw, w.l1bw, xTM, true)
	l2 := b.dropout(s.SubScope("dropout1"), l1, training, seed, b.cfg.Dropout1, 0, 3, 1) // time major
	l3 := b.blstm(s.SubScope("blstm2"), w.l2fw, w.l2bw, l2, false)
	_, l4 := b.dense(s.SubScope("dense1"), l3, w.d1)
	l5 := b.dropout(s.SubScope("dropout2"), l4, training, seed, b.cfg.Dropout2, 1, 2, 0)
	_, l6 := b.dense(s.SubScope("dense2"), l5, w.d2)
	l7, dist := b.dense(s.SubScope("output"), l6, w.out)
	return map[string]tf.Output{
		"L1": op.Transpose(s.SubScope("L1"), l1, perm),
		"L2": op.Transpose(s.SubScope("L2"), l2, perm),
		"L3": l3, "L4": l4, "L5": l5, "L6": l6, "L7": l7, "distribution": dist,
	}
}

// placeholder adds a named Placeholder of dtype dt and shape (-1 = unknown).
func (b *builder) placeholder(name string, dt tf.DataType, shape ...int64) tf.Output {
	return b.named(name, "Placeholder", map[string]any{"dtype": dt, "shape": tf.MakeShape(shape...)}).Output(0)
}

// withDefault adds a named PlaceholderWithDefault fed by value when unfed.
func (b *builder) withDefault(name string, value any, shape ...int64) tf.Output {
	c := op.Const(b.root.SubScope(name+"_default"), value)
	return b.named(name, "PlaceholderWithDefault", map[string]any{
		"dtype": c.DataType(), "shape": tf.MakeShape(shape...)}, c).Output(0)
}

// identity adds a named Identity of x.
func (b *builder) identity(name string, x tf.Output) tf.Output {
	return b.named(name, "Identity", nil, x).Output(0)
}
