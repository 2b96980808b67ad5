// Package archtest holds tests of the project's structure.
package archtest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestNoTensorFlowOutsideModelPackages checks the design rule that eval,
// tools and the embeddings I/O never import TensorFlow, directly or not, so
// they build and test without libtensorflow (CGO_ENABLED=0).
func TestNoTensorFlowOutsideModelPackages(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./eval/...", "./tools/...", "./internal/vecio", "./internal/progress", "./internal/errs")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "tensorflow") || strings.Contains(dep, "tfgo") {
			t.Errorf("TensorFlow-free packages depend on %s", dep)
		}
	}
}
