package graph

import (
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// resourceDT is TF_RESOURCE (20), absent from the binding's constants.
const resourceDT = tf.DataType(20)

// TestGraphContract checks the op names, types and dtypes other packages
// (train, embed, SavedModel export) address by name (common contract).
func TestGraphContract(t *testing.T) {
	type want struct {
		name, typ string
		dt        tf.DataType // of output 0; 0 = no output checked
	}
	common := []want{
		{"spectrogram", "Placeholder", tf.Float}, {"training", "PlaceholderWithDefault", tf.Bool},
		{"dropout_seed", "PlaceholderWithDefault", tf.Int64}, {"embedding", "Identity", tf.Float},
		{"distribution", "Identity", tf.Float}, {"init", "NoOp", 0},
		{"save/Const", "PlaceholderWithDefault", tf.String}, {"save/SaveV2", "SaveV2", 0},
		{"save/control_dependency", "Identity", tf.String}, {"save/restore_all", "NoOp", 0},
		{"blstm1/fw/kernel", "VarHandleOp", resourceDT},
	}
	modes := map[Mode][]want{
		Train: append([]want{{"labels", "Placeholder", tf.Int32}, {"loss", "Identity", tf.Float},
			{"train", "NoOp", 0}, {"global_step", "VarHandleOp", resourceDT},
			{"pair_same", "Placeholder", tf.Float}, {"output/kernel/Adam_1", "VarHandleOp", resourceDT}}, common...),
		Inference: append([]want{{"spectrogram_b", "Placeholder", tf.Float}, {"pair_distance", "Identity", tf.Float}}, common...),
	}
	for mode, ws := range modes {
		m, err := Build(tinyConfig("float32"), mode)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			o := m.Graph.Operation(w.name)
			switch {
			case o == nil:
				t.Errorf("mode %d: no op %q", mode, w.name)
			case o.Type() != w.typ:
				t.Errorf("mode %d: %s is %s, want %s", mode, w.name, o.Type(), w.typ)
			case w.dt != 0 && o.Output(0).DataType() != w.dt:
				t.Errorf("mode %d: %s dtype %v, want %v", mode, w.name, o.Output(0).DataType(), w.dt)
			}
		}
		if mode == Inference && m.Graph.Operation("global_step") != nil {
			t.Error("inference graph has optimiser state")
		}
	}
}
