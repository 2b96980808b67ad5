// Package archtest holds tests of the project's structure.
package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

const module = "github.com/voxsiam/voxsiam/"

// layering is the import rule, one row a package ("x/..." is x and every
// package below it; the most specific row applies): the project packages
// it may import directly, and "tf" where it may import TensorFlow
// (github.com/galeone/tensorflow or tfgo). Tests may import what their
// package may, plus internal/testenv and the row's test-only imports. A
// package without a row fails TestLayering: add its row here. A testKit
// row is a test helper: only tests may import it (TestTestKitsTestOnly).
//
// Read bottom-up: internal helpers import nothing of the project but errs;
// tools/ and eval/ never see TensorFlow; internal/spec is the model's
// shared words (network Config, voxsiam.json, precisions, poolings,
// layers, --device) over tools/feature, without TensorFlow. Five packages
// import TensorFlow: graph (the network), train (the training session) and
// embed (serving SavedModels) build on spec; internal/tfserver is the TF
// gRPC server (cgo); internal/testkit/modeltest, a test kit, makes runs
// and SavedModels for tests. embed never imports graph: what it needs of
// an export is in spec. cmd/voxsiam wires and reaches TensorFlow only
// through train, embed and tfserver, never graph or a TensorFlow package
// itself.
var layering = []struct {
	pkg      string
	may      []string // direct imports, tests included
	testOnly []string // further imports of its tests
	testKit  bool     // a helper for tests only: no package's non-test code imports it
}{
	{pkg: "internal/errs"},
	{pkg: "internal/ordered"},
	{pkg: "internal/progress"},
	{pkg: "internal/testenv"},
	{pkg: "internal/tfquiet"},
	{pkg: "internal/archtest"},
	{pkg: "internal/atomicfile"},
	{pkg: "internal/convert"},                       // runs the TFLite/ONNX converter script in the venv (export --format)
	{pkg: "internal/tfserver", may: []string{"tf"}}, // TF_NewServer and friends through cgo, the ServerDef proto; train and cmd/voxsiam (server) use it
	{pkg: "internal/vecio", may: []string{"internal/errs", "internal/atomicfile"}},
	{pkg: "internal/spkdb", may: []string{"internal/errs", "internal/atomicfile", "internal/vecio"}}, // the enrollment database of enroll and identify
	{pkg: "internal/spec", may: []string{"internal/errs", "tools/feature"}},                          // no TensorFlow: graph, train, embed and cmd/voxsiam share it
	{pkg: "tools/...", may: []string{"tools/...", "internal/atomicfile", "internal/errs", "internal/ordered", "internal/progress", "internal/vecio"}},
	{pkg: "eval/...", may: []string{"eval/...", "internal/atomicfile", "internal/errs", "internal/vecio"}},
	{pkg: "graph", may: []string{"tf", "internal/errs", "internal/spec", "tools/feature"},
		testOnly: []string{"eval", "internal/tfserver", "tools/store"}}, // the EER/MR guard; loopback cluster tests; worker input reads a store's frames.npy
	{pkg: "train/metrics", may: []string{"internal/atomicfile"}},
	{pkg: "train/tbevent"},
	{pkg: "train", may: []string{"tf", "graph", "eval", "internal/spec", "train/...", "tools/dataset", "tools/feature", "tools/store", "internal/atomicfile", "internal/errs", "internal/progress", "internal/tfserver", "internal/vecio"}},
	{pkg: "embed", may: []string{"tf", "internal/spec", "tools/dataset", "tools/feature", "tools/shard", "tools/source", "internal/atomicfile", "internal/errs", "internal/ordered", "internal/progress", "internal/vecio"},
		testOnly: []string{"graph", "internal/testkit/modeltest", "tools/audio", "tools/store"}}, // bench_test exports a reference-size model with graph; waveform tests write and read WAVs
	{pkg: "embed/defaultmodel", may: []string{"embed"}},
	{pkg: "internal/testkit/modeltest", may: []string{"tf", "graph", "train", "tools/feature"}, testKit: true},
	{pkg: "cmd/voxsiam", may: []string{"embed/...", "eval/...", "train/...", "tools/...", "internal/errs", "internal/progress", "internal/convert", "internal/spec", "internal/spkdb", "internal/tfquiet", "internal/tfserver", "internal/vecio"},
		testOnly: []string{"internal/testkit/modeltest"}},
}

// TestLayering checks every package's direct imports, and its tests',
// against layering.
func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		row := -1
		for i, r := range layering {
			if matches(r.pkg, p.path) && (row < 0 || len(r.pkg) > len(layering[row].pkg)) {
				row = i
			}
		}
		if row < 0 {
			t.Errorf("%s has no row in the layering table (internal/archtest)", p.path)
			continue
		}
		r := layering[row]
		check := func(imports []string, allowed []string, what string) {
			for _, imp := range imports {
				name, ok := classify(imp)
				if !ok || name == p.path {
					continue
				}
				if !allowedBy(allowed, name) {
					t.Errorf("%s%s imports %s; its layering row (%s) allows %v", p.path, what, imp, r.pkg, allowed)
				}
			}
		}
		check(p.imports, r.may, "")
		check(p.tests, append(append([]string{"internal/testenv"}, r.may...), r.testOnly...), " (tests)")
	}
}

// TestTestKitsTestOnly checks that the testKit rows are test helpers
// indeed: no package's non-test code imports one, and no row lets it.
func TestTestKitsTestOnly(t *testing.T) {
	var kits []string
	for _, r := range layering {
		if r.testKit {
			kits = append(kits, r.pkg)
		}
	}
	if len(kits) == 0 {
		t.Fatal("no testKit row in the layering table")
	}
	for _, r := range layering {
		for _, a := range r.may {
			if allowedBy(kits, a) {
				t.Errorf("layering row %s lets non-test code import the test kit %s (list it in testOnly)", r.pkg, a)
			}
		}
	}
	for _, p := range listPackages(t) {
		for _, imp := range p.imports {
			if name, ok := classify(imp); ok && allowedBy(kits, name) {
				t.Errorf("%s imports the test kit %s outside its tests", p.path, name)
			}
		}
	}
}

// TestNoTensorFlowOutsideModelPackages checks that eval, tools, spec and
// the internal helpers never import TensorFlow, directly or not, so they build
// and test without libtensorflow (CGO_ENABLED=0).
func TestNoTensorFlowOutsideModelPackages(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./eval/...", "./tools/...", "./internal/vecio", "./internal/progress", "./internal/errs", "./internal/ordered", "./internal/spec", "./internal/spkdb")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if _, ok := classify(dep); ok && !strings.HasPrefix(dep, module) {
			t.Errorf("TensorFlow-free packages depend on %s", dep)
		}
	}
}

type pkg struct {
	path           string // relative to the module
	imports, tests []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "./...")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) != 3 {
			t.Fatalf("go list: %q", sc.Text())
		}
		pkgs = append(pkgs, pkg{path: strings.TrimPrefix(f[0], module), imports: strings.Fields(f[1]), tests: strings.Fields(f[2])})
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

// classify names an import for the table: a project package relative to
// the module, "tf" for TensorFlow; ok is false for anything else.
func classify(imp string) (string, bool) {
	switch {
	case strings.HasPrefix(imp, module):
		return strings.TrimPrefix(imp, module), true
	case strings.HasPrefix(imp, "github.com/galeone/"):
		return "tf", true
	}
	return "", false
}

func matches(pattern, path string) bool {
	if root, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == root || strings.HasPrefix(path, root+"/")
	}
	return pattern == path
}

func allowedBy(allowed []string, name string) bool {
	for _, a := range allowed {
		if matches(a, name) {
			return true
		}
	}
	return false
}
