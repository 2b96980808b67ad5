package graph

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// saverOps are the TF1 SaverDef ops: filename "save/Const:0" (a string
// PlaceholderWithDefault), save tensor "save/control_dependency:0" and
// restore op "save/restore_all".
type saverOps struct {
	filename, saveTensor tf.Output
	restoreAll           *tf.Operation
}

// dataSuffix is the single data shard SaveV2 writes next to "<prefix>.index".
const dataSuffix = ".data-00000-of-00001"

// saver adds SaveV2 over every variable (keys = variable names) and
// RestoreV2 + AssignVariableOp per variable grouped in "save/restore_all".
func (b *builder) saver() saverOps {
	var sv saverOps
	sv.filename = b.withDefault("save/Const", "model")
	names := make([]string, len(b.vars))
	slices := make([]string, len(b.vars))
	reads := make(tf.OutputList, len(b.vars))
	dtypes := make([]tf.DataType, len(b.vars))
	for i, v := range b.vars {
		names[i], reads[i], dtypes[i] = v.Name, v.Read, v.DType
	}
	nameT := op.Const(b.root.SubScope("save/tensor_names"), names)
	sliceT := op.Const(b.root.SubScope("save/shape_and_slices"), slices)
	save := b.named("save/SaveV2", "SaveV2", map[string]any{"dtypes": dtypes}, sv.filename, nameT, sliceT, reads)
	sv.saveTensor = b.root.AddOperation(tf.OpSpec{Type: "Identity", Name: "save/control_dependency",
		Input: []tf.Input{sv.filename}, ControlDependencies: []*tf.Operation{save}}).Output(0)
	restore := b.named("save/RestoreV2", "RestoreV2", map[string]any{"dtypes": dtypes}, sv.filename, nameT, sliceT)
	assigns := make([]*tf.Operation, len(b.vars))
	for i, v := range b.vars {
		assigns[i] = b.named("save/Assign_"+strconv.Itoa(i), "AssignVariableOp",
			map[string]any{"dtype": v.DType}, v.Handle, restore.Output(i))
	}
	sv.restoreAll = b.root.AddOperation(tf.OpSpec{Type: "NoOp", Name: "save/restore_all", ControlDependencies: assigns})
	return sv
}

// Save writes every variable of the graph to the checkpoint prefix
// ("<prefix>.index" and "<prefix>.data-00000-of-00001"). It saves under a
// temporary prefix first and renames the data file, then the index, so a
// crash never leaves a half-written checkpoint at prefix.
func (m *Model) Save(sess *tf.Session, prefix string) error {
	tmp := fmt.Sprintf("%s.tmp-%d-%d", prefix, os.Getpid(), time.Now().UnixNano())
	name, err := tf.NewTensor(tmp)
	if err != nil {
		return fmt.Errorf("graph: save %s: %w", prefix, err)
	}
	cleanup := func() {
		os.Remove(tmp + dataSuffix)
		os.Remove(tmp + ".index")
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{m.saver.filename: name}, []tf.Output{m.saver.saveTensor}, nil); err != nil {
		cleanup()
		return fmt.Errorf("graph: save %s: %w", prefix, err)
	}
	for _, suf := range []string{dataSuffix, ".index"} {
		if err := os.Rename(tmp+suf, prefix+suf); err != nil {
			cleanup()
			return fmt.Errorf("graph: save %s: %w", prefix, err)
		}
	}
	return nil
}

// Restore assigns every variable of this graph from the checkpoint at
// prefix, by name. An Inference graph restores only the model weights, so
// it can read a Train checkpoint.
func (m *Model) Restore(sess *tf.Session, prefix string) error {
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return fmt.Errorf("graph: restore %s: no checkpoint index: %w", filepath.Clean(prefix), err)
	}
	name, err := tf.NewTensor(prefix)
	if err != nil {
		return fmt.Errorf("graph: restore %s: %w", prefix, err)
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{m.saver.filename: name}, nil, []*tf.Operation{m.saver.restoreAll}); err != nil {
		return fmt.Errorf("graph: restore %s: %w", prefix, err)
	}
	return nil
}

// Weights fetches the current value of every variable (model weights and
// optimiser state), keyed by variable name.
func (m *Model) Weights(sess *tf.Session) (map[string]*tf.Tensor, error) {
	fetch := make([]tf.Output, len(m.Vars))
	for i, v := range m.Vars {
		fetch[i] = v.Read
	}
	vals, err := sess.Run(nil, fetch, nil)
	if err != nil {
		return nil, fmt.Errorf("graph: read weights: %w", err)
	}
	w := make(map[string]*tf.Tensor, len(vals))
	for i, v := range m.Vars {
		w[v.Name] = vals[i]
	}
	return w, nil
}

// SetWeights assigns the given variables (a subset is fine) by feeding each
// value into the variable's initialiser. Shapes and dtypes must match.
func (m *Model) SetWeights(sess *tf.Session, w map[string]*tf.Tensor) error {
	feeds := make(map[tf.Output]*tf.Tensor, len(w))
	var targets []*tf.Operation
	for name, t := range w {
		v, ok := m.byName[name]
		if !ok {
			return fmt.Errorf("graph: set weights: no variable %q", name)
		}
		if t.DataType() != v.DType || !sameShape(t.Shape(), v.Shape) {
			return fmt.Errorf("graph: set weights: %s: got %v %v, want %v %v", name, t.DataType(), t.Shape(), v.DType, v.Shape)
		}
		feeds[v.initValue] = t
		targets = append(targets, v.Initializer)
	}
	if _, err := sess.Run(feeds, nil, targets); err != nil {
		return fmt.Errorf("graph: set weights: %w", err)
	}
	return nil
}

// sameShape reports whether two shapes are equal.
func sameShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
