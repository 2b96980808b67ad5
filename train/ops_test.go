package train

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/graph"
)

// documentedOps reads the op types doc.go's section "Devices" lists: the
// words of its bullet list ("- GPU kernels: MatMul, BiasAdd(Grad), ..."),
// "X(Grad)" standing for X and XGrad and "A/B" for A and B. Other
// capitalised words of the list (GPU, CPU, LSTM) come along harmlessly.
func documentedOps(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "// # Devices")
	end := strings.Index(doc, "// # Cluster")
	if start < 0 || end < start {
		t.Fatal("doc.go: no section \"Devices\" before \"Cluster\"")
	}
	var list strings.Builder
	inList := false
	for _, line := range strings.Split(doc[start:end], "\n") {
		switch {
		case strings.HasPrefix(line, "//   - "):
			inList = true
		case !strings.HasPrefix(line, "//     "):
			inList = false
		}
		if inList {
			list.WriteString(line + "\n")
		}
	}
	ops := map[string]bool{}
	for _, m := range opWord.FindAllStringSubmatch(list.String(), -1) {
		for _, name := range strings.Split(m[1], "/") {
			ops[name] = true
		}
		if m[2] != "" {
			ops[m[1]+m[2]] = true
		}
	}
	if len(ops) < 20 {
		t.Fatalf("doc.go section Devices: %d op names in its list, want the op types of a Train graph", len(ops))
	}
	return ops
}

// opWord is an op type word of the list: "MatMul", "Add/AddV2", "BiasAdd(Grad)".
var opWord = regexp.MustCompile(`\b([A-Z][A-Za-z0-9]*(?:/[A-Z][A-Za-z0-9]*)*)(?:\((Grad)\))?`)

// TestGraphOpsDocumented builds Train graphs of every loss, worker input
// and gradient clipping and fails when one has an op type that doc.go's
// section "Devices" does not list, i.e. whose device support has not been
// reviewed and documented.
func TestGraphOpsDocumented(t *testing.T) {
	documented := documentedOps(t)
	zero := 0.0
	for _, loss := range []string{"pkld", "symmetric", "seed", "worker input", "clip_norm", "relational", "regression"} {
		cfg := graph.DefaultConfig(5)
		cfg.LSTM1, cfg.LSTM2, cfg.Loss, cfg.Device = 4, 4, loss, "/device:CPU:0"
		var m *graph.Model
		var err error
		if loss == "relational" || loss == "regression" { // pkld with distillation; regression alone
			cfg.Loss, cfg.Distill, cfg.TeacherDim = "pkld", loss, 3
			if loss == "regression" {
				cfg.PKLDWeight = &zero
			}
		}
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
			if !documented[op.Type()] {
				missing = append(missing, op.Type()+" ("+op.Name()+")")
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("loss %s: op types not reviewed in doc.go: %v", loss, missing)
		}
	}
}
