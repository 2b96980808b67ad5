package graph

import (
	"errors"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// blstmBlock is the fused BlockLSTMV2 variant of blstm (same contract).
func (b *builder) blstmBlock(s *op.Scope, fw, bw lstmWeights, xTM tf.Output, sequences bool) tf.Output {
	panic("graph: block LSTM not built yet")
}

// blockGradients chains AddGradients around BlockLSTMGradV2.
func (b *builder) blockGradients(loss tf.Output, xs []tf.Output) ([]tf.Output, error) {
	return nil, errors.New("graph: block LSTM gradients not built yet")
}
