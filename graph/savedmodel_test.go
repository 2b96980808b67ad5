package graph

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// smToy is a hand-built graph in the layout WriteSavedModel expects:
// resource variables W [4,3] and b [3], embedding = x·W + b, distribution
// = softmax(embedding), and TF1 save/restore ops under "save/".
type smToy struct {
	g          *tf.Graph
	x, emb, pd tf.Output
	vars       []SavedVariable
	handles    []tf.Output
	init       []*tf.Operation
}

func smBuildToy(t *testing.T, seed int64) *smToy {
	t.Helper()
	s := op.NewScope()
	rng := rand.New(rand.NewSource(seed))
	toy := &smToy{x: op.Placeholder(s.SubScope("spectrogram"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, 4)))}
	w := smVariable(t, s, toy, "W", [][]float32{smRand(rng, 3), smRand(rng, 3), smRand(rng, 3), smRand(rng, 3)})
	b := smVariable(t, s, toy, "b", smRand(rng, 3))
	toy.emb = op.Add(s.SubScope("embedding"), op.MatMul(s, toy.x, w), b)
	toy.pd = op.Softmax(s.SubScope("distribution"), toy.emb)
	smSaveOps(s, toy)
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	toy.g = g
	return toy
}

func smRand(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// smVariable adds a VarHandleOp, its Assign initializer and a read.
func smVariable(t *testing.T, s *op.Scope, toy *smToy, name string, value any) tf.Output {
	vs := s.SubScope(name)
	init := op.Const(vs.SubScope("Initializer"), value)
	h := op.VarHandleOp(vs, tf.Float, init.Shape(), op.VarHandleOpSharedName(name))
	assign := op.AssignVariableOp(vs.SubScope("Assign"), h, init)
	read := op.ReadVariableOp(vs.SubScope("Read"), h, tf.Float)
	toy.init = append(toy.init, assign)
	toy.handles = append(toy.handles, h)
	toy.vars = append(toy.vars, SavedVariable{Handle: h.Op.Name(), Initializer: assign.Name(),
		Snapshot: read.Op.Name() + ":0", Trainable: true})
	return read
}

// smSaveOps adds SaveV2/RestoreV2 ops with the TF1 Saver names.
func smSaveOps(s *op.Scope, toy *smToy) {
	ss := s.SubScope("save")
	prefix := op.Const(ss, "model")
	var names []string
	var reads []tf.Output
	for i, v := range toy.vars {
		names = append(names, v.Handle)
		reads = append(reads, op.ReadVariableOp(ss.SubScope("read"), toy.handles[i], tf.Float))
	}
	nameT := op.Const(ss.SubScope("tensor_names"), names)
	slices := op.Const(ss.SubScope("shape_and_slices"), make([]string, len(names)))
	save := op.SaveV2(ss, prefix, nameT, slices, reads)
	ss.AddOperation(tf.OpSpec{Name: "control_dependency", Type: "Identity", Input: []tf.Input{prefix},
		ControlDependencies: []*tf.Operation{save}})
	restored := op.RestoreV2(ss, prefix, nameT, slices, []tf.DataType{tf.Float, tf.Float})
	var assigns []*tf.Operation
	for i, h := range toy.handles {
		assigns = append(assigns, op.AssignVariableOp(ss.SubScope("assign"), h, restored[i]))
	}
	ss.AddOperation(tf.OpSpec{Name: "restore_all", Type: "NoOp", ControlDependencies: assigns})
}

// smSession initialises the toy's variables.
func smSession(t *testing.T, toy *smToy) *tf.Session {
	t.Helper()
	sess, err := tf.NewSession(toy.g, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	if _, err := sess.Run(nil, nil, toy.init); err != nil {
		t.Fatal(err)
	}
	return sess
}

func smRun(t *testing.T, sess *tf.Session, in tf.Output, x [][]float32, outs ...tf.Output) [][][]float32 {
	t.Helper()
	xt, err := tf.NewTensor(x)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sess.Run(map[tf.Output]*tf.Tensor{in: xt}, outs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r [][][]float32
	for _, o := range res {
		r = append(r, o.Value().([][]float32))
	}
	return r
}

func smWriteToy(t *testing.T) (dir string, toy *smToy, sess *tf.Session) {
	toy = smBuildToy(t, 7)
	sess = smSession(t, toy)
	dir = filepath.Join(t.TempDir(), "model")
	err := WriteSavedModel(dir, SavedModelSpec{
		Graph: toy.g, Session: sess, Variables: toy.vars,
		Signatures: map[string]SignatureSpec{
			"serving_default": {Inputs: map[string]tf.Output{"spectrogram": toy.x}, Outputs: map[string]tf.Output{"embedding": toy.emb}},
			"distribution":    {Inputs: map[string]tf.Output{"spectrogram": toy.x}, Outputs: map[string]tf.Output{"distribution": toy.pd}},
		},
		Assets: map[string][]byte{"voxsiam.json": []byte(`{"segment":40}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, toy, sess
}

func TestWriteSavedModelLayout(t *testing.T) {
	dir, _, _ := smWriteToy(t)
	for _, f := range []string{"saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001", "assets/voxsiam.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if _, err := os.Stat(dir + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary directory left behind: %v", err)
	}
	if err := WriteSavedModel(dir, SavedModelSpec{Graph: tf.NewGraph(), Session: &tf.Session{}}); err == nil {
		t.Errorf("overwriting an existing export: want error")
	}
}

// TestWriteSavedModelTrailingSlash: "out/model/" names the directory
// out/model, as the shell's completion writes it (the export once built its
// temporary copy inside the target and failed to rename it).
func TestWriteSavedModelTrailingSlash(t *testing.T) {
	toy := smBuildToy(t, 7)
	sess := smSession(t, toy)
	dir := filepath.Join(t.TempDir(), "model")
	err := WriteSavedModel(dir+"/", SavedModelSpec{
		Graph: toy.g, Session: sess, Variables: toy.vars,
		Signatures: map[string]SignatureSpec{
			"serving_default": {Inputs: map[string]tf.Output{"spectrogram": toy.x}, Outputs: map[string]tf.Output{"embedding": toy.emb}},
		},
	})
	if err != nil {
		t.Fatalf("WriteSavedModel(%q): %v", dir+"/", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "saved_model.pb")); err != nil {
		t.Errorf("no saved_model.pb in %s: %v", dir, err)
	}
}

// smPythonLoad loads the export with TF2 tf.saved_model.load (load_v1_in_v2)
// and with the TF1 loader, runs each signature on x and prints the outputs.
const smPythonLoad = `
import json, sys
import numpy as np, tensorflow as tf
d, x = sys.argv[1], np.array(json.loads(sys.argv[2]), np.float32)
m = tf.saved_model.load(d)
out = {"v2_" + k: m.signatures[k](spectrogram=tf.constant(x))[o].numpy().tolist()
       for k, o in (("serving_default", "embedding"), ("distribution", "distribution"))}
with tf.compat.v1.Session(graph=tf.Graph()) as s:
    meta = tf.compat.v1.saved_model.loader.load(s, ["serve"], d)
    sig = meta.signature_def["serving_default"]
    out["v1_embedding"] = s.run(sig.outputs["embedding"].name, {sig.inputs["spectrogram"].name: x}).tolist()
    out["v1_trainable"] = len(tf.compat.v1.trainable_variables())
print(json.dumps(out))
`

// TestWriteSavedModelPython: TF2's tf.saved_model.load and the TF1 loader
// reproduce the Go session's outputs of the toy SavedModel.
// Live only, no stored reference: the check is that Python TF loads the SavedModel this run writes.
func TestWriteSavedModelPython(t *testing.T) {
	dir, toy, sess := smWriteToy(t)
	x := [][]float32{{0.5, -1, 2, 0.25}, {1, 1, 1, 1}, {-3, 0.1, 0, 2}}
	want := smRun(t, sess, toy.x, x, toy.emb, toy.pd)
	xs, _ := json.Marshal(x)
	var got map[string]json.RawMessage
	if err := json.Unmarshal(testenv.RunPython(t, smPythonLoad, dir, string(xs)), &got); err != nil {
		t.Fatal(err)
	}
	// Reference: the Go session's own outputs; Python must agree to 1e-5.
	for _, c := range []struct {
		key  string
		want [][]float32
	}{{"v2_serving_default", want[0]}, {"v2_distribution", want[1]}, {"v1_embedding", want[0]}} {
		var g [][]float32
		if err := json.Unmarshal(got[c.key], &g); err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if d := smMaxDiff(g, c.want); d > 1e-5 {
			t.Errorf("%s: max abs diff %g > 1e-5 (python %v, go %v)", c.key, d, g, c.want)
		}
	}
	if string(got["v1_trainable"]) != "2" {
		t.Errorf("TF1 loader trainable variables = %s, want 2", got["v1_trainable"])
	}
}

// TestWriteSavedModelCLI: saved_model_cli shows the toy's signatures.
// Live only, no stored reference: the check is that the venv's saved_model_cli reads the SavedModel this run writes.
func TestWriteSavedModelCLI(t *testing.T) {
	dir, _, _ := smWriteToy(t)
	cli := filepath.Join(filepath.Dir(testenv.Python(t)), "saved_model_cli")
	out, err := exec.Command(cli, "show", "--all", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("saved_model_cli: %v\n%s", err, out)
	}
	for _, want := range []string{"signature_def['serving_default']", "inputs['spectrogram'] tensor_info", "shape: (-1, 4)", "outputs['distribution']"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("saved_model_cli output lacks %q:\n%s", want, out)
		}
	}
}

func smMaxDiff(a, b [][]float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return math.Inf(1)
		}
		for j := range a[i] {
			d = math.Max(d, math.Abs(float64(a[i][j]-b[i][j])))
		}
	}
	return d
}
