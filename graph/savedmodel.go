package graph

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"google.golang.org/protobuf/proto"
)

// A SavedModel directory holds saved_model.pb (a SavedModel proto with one
// MetaGraphDef per tag set), variables/variables.{index,data-00000-of-00001}
// (a tensor bundle written by SaveV2) and assets/. voxsiam writes the TF1
// layout: graph_def + saver_def + the "variables" collections +
// signature_def, no object graph; TensorFlow's C++ loader, Python's
// tf.compat.v1 loader and tf.saved_model.load (load_v1_in_v2) all read it.
// See the primer in package embed and tensorflow/core/protobuf/
// meta_graph.proto, saved_model.proto and saver.proto.

// TF1 SaverDef names every voxsiam graph uses for its save/restore ops
// (see the package documentation). WriteSavedModel feeds the checkpoint
// prefix to savedModelFilename and fetches savedModelSaveTensor.
const (
	savedModelFilename   = "save/Const:0"
	savedModelSaveTensor = "save/control_dependency:0"
	savedModelRestoreOp  = "save/restore_all"
	savedModelTFVersion  = "2.21.0"
)

// SavedModelSpec describes what WriteSavedModel exports: a graph whose
// variables are resource variables (VarHandleOp) with save ops under the
// TF1 SaverDef names "save/Const:0", "save/control_dependency:0" and
// "save/restore_all", a session holding the variable values, and the
// signatures clients call.
type SavedModelSpec struct {
	Graph   *tf.Graph   // graph with the save/restore ops; required
	Session *tf.Session // session over Graph with the variable values; required
	// Variables are recorded in the "variables" collection (and, when
	// Trainable, "trainable_variables") so TF1 loaders rebuild them.
	Variables []SavedVariable
	// Signatures by key, e.g. "serving_default"; at least one.
	Signatures map[string]SignatureSpec
	// Assets are written as assets/<name> (name is a plain file name).
	// They are side files for clients (feature settings); the graph does
	// not read them.
	Assets map[string][]byte
	// Tags of the meta graph; default ["serve"].
	Tags []string
}

// SavedVariable names the graph elements of one resource variable.
type SavedVariable struct {
	Handle      string // VarHandleOp operation name, e.g. "L1/fw/kernel"
	Initializer string // operation that assigns the initial value, e.g. "L1/fw/kernel/Assign"
	Snapshot    string // ReadVariableOp output, e.g. "L1/fw/kernel/Read/ReadVariableOp:0"
	Trainable   bool
}

// SignatureSpec is one signature: named graph inputs and outputs.
// Shapes and dtypes are taken from the graph; MethodName defaults to
// "tensorflow/serving/predict".
type SignatureSpec struct {
	Inputs     map[string]tf.Output
	Outputs    map[string]tf.Output
	MethodName string
}

// WriteSavedModel writes a SavedModel (schema version 1, one meta graph)
// into dir: saved_model.pb, variables/variables.{index,data-00000-of-00001}
// written by the graph's SaveV2 op, and assets/. It builds the export in
// "<dir>.tmp" and renames it to dir when complete; dir must not exist.
func WriteSavedModel(dir string, spec SavedModelSpec) (err error) {
	if spec.Graph == nil || spec.Session == nil {
		panic("graph: WriteSavedModel needs a graph and a session")
	}
	dir = filepath.Clean(dir) // "model/" is the directory model, its temporary copy model.tmp beside it
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("graph: savedmodel %s: already exists", dir)
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("graph: savedmodel %s: %w", tmp, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeSavedModelFiles(tmp, spec); err != nil {
		return fmt.Errorf("graph: savedmodel %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("graph: savedmodel %s: %w", dir, err)
	}
	return nil
}

func writeSavedModelFiles(dir string, spec SavedModelSpec) error {
	if err := os.MkdirAll(filepath.Join(dir, "variables"), 0o755); err != nil {
		return err
	}
	if err := writeSavedModelAssets(dir, spec.Assets); err != nil {
		return err
	}
	if err := runSaveOp(spec, filepath.Join(dir, "variables", "variables")); err != nil {
		return err
	}
	meta, err := buildMetaGraph(spec)
	if err != nil {
		return err
	}
	b, err := proto.Marshal(savedModelProto(meta))
	if err != nil {
		return fmt.Errorf("marshal saved_model.pb: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "saved_model.pb"), b, 0o644)
}

func writeSavedModelAssets(dir string, assets map[string][]byte) error {
	if len(assets) == 0 {
		return nil
	}
	ad := filepath.Join(dir, "assets")
	if err := os.MkdirAll(ad, 0o755); err != nil {
		return err
	}
	for name, data := range assets {
		if name == "" || filepath.Base(name) != name {
			return fmt.Errorf("asset %q: not a plain file name", name)
		}
		if err := os.WriteFile(filepath.Join(ad, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// runSaveOp runs the graph's SaveV2 op with the checkpoint prefix fed to
// "save/Const:0"; SaveV2 writes <prefix>.index and <prefix>.data-00000-of-00001.
func runSaveOp(spec SavedModelSpec, prefix string) (err error) {
	defer savedModelRecover(&err)
	filename, err := savedModelOutput(spec.Graph, savedModelFilename)
	if err != nil {
		return err
	}
	save, err := savedModelOutput(spec.Graph, savedModelSaveTensor)
	if err != nil {
		return err
	}
	t, err := tf.NewTensor(prefix)
	if err != nil {
		return err
	}
	if _, err := spec.Session.Run(map[tf.Output]*tf.Tensor{filename: t}, []tf.Output{save}, nil); err != nil {
		return fmt.Errorf("run save op: %w", err)
	}
	return nil
}

// savedModelRecover turns a panic of the TensorFlow binding into an error.
func savedModelRecover(err *error) {
	if r := recover(); r != nil {
		*err = errors.Join(*err, fmt.Errorf("tensorflow: %v", r))
	}
}
