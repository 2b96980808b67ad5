package train

import (
	"sort"
	"testing"

	"github.com/voxsiam/voxsiam/graph"
)

// documentedOps are the op types doc.go discusses (section Devices). The
// test fails when the training graph gains an op type whose device support
// has not been reviewed and documented.
var documentedOps = map[string]bool{}

func init() {
	for _, op := range []string{
		"MatMul", "BiasAdd", "BiasAddGrad", "Add", "AddV2", "AddN", "Sub", "Mul", "Div", "Neg",
		"Reciprocal", "Log", "Sigmoid", "SigmoidGrad", "Tanh", "TanhGrad", "Relu", "ReluGrad",
		"Softmax", "Maximum", "Sum", "Mean", "OneHot", "Prod", "Transpose", "Reshape", "ConcatV2", "Pack", "Unpack", "Split", "ZerosLike", "Slice",
		"Pad", "Tile", "Cast", "Equal", "Less", "GreaterEqual", "Sign", "MatrixDiagPart",
		"DynamicStitch", "StatelessRandomUniform", "StatelessRandomNormal", "VarHandleOp",
		"ReadVariableOp", "AssignVariableOp", "AssignAddVariableOp", "ResourceApplyAdam",
		"Shape", "ShapeN", "Size", "Rank", "Range", "Fill", "Mod", "BroadcastGradientArgs",
		"ConcatOffset", "InvertPermutation", "OnesLike", "Qr", "SaveV2", "RestoreV2",
		"ImmutableConst", "GatherV2", // worker input (graph.BuildWorkerInputTowers)
		"L2Loss", "Sqrt", // grad_norm, clip_norm
		// no kernels to place
		"Const", "Identity", "NoOp", "Placeholder", "PlaceholderWithDefault",
	} {
		documentedOps[op] = true
	}
}

func TestGraphOpsDocumented(t *testing.T) {
	for _, loss := range []string{"pkld", "symmetric", "seed", "worker input", "clip_norm"} {
		cfg := graph.DefaultConfig(5)
		cfg.LSTM1, cfg.LSTM2, cfg.Loss, cfg.Device = 4, 4, loss, "/device:CPU:0"
		var m *graph.Model
		var err error
		if loss == "clip_norm" { // pkld, gradients clipped by global norm
			cfg.Loss, cfg.ClipNorm = "pkld", 1
		}
		if loss == "worker input" { // towers reading a float16 store; built only, the file is not read
			cfg.Loss = "pkld"
			m, err = graph.BuildWorkerInputTowers(cfg, []string{"/device:GPU:0", "/device:GPU:1"}, graph.WorkerStore{Frames: "/feats/frames.npy", Rows: 100, Float16: true, Header: 128})
		} else {
			m, err = graph.Build(cfg, graph.Train)
		}
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		for _, op := range m.Graph.Operations() {
			if !documentedOps[op.Type()] {
				missing = append(missing, op.Type()+" ("+op.Name()+")")
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("loss %s: op types not reviewed in doc.go: %v", loss, missing)
		}
	}
}
