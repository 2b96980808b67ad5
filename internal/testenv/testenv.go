// Package testenv locates the project's Python environment for tests that
// compare voxsiam against independent references (TensorFlow/Keras, librosa,
// scipy, scikit-learn, tensorboard) running in the same venv.
//
// `make test` sets VOXSIAM_PYTHON and VOXSIAM_REQUIRE_PYTHON=1, so a missing
// or broken venv fails the run instead of skipping the parity tests.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Python returns the venv's python interpreter. Without one the test is
// skipped, or fails when VOXSIAM_REQUIRE_PYTHON is set.
func Python(t testing.TB) string {
	t.Helper()
	p := os.Getenv("VOXSIAM_PYTHON")
	if p == "" {
		p = filepath.Join(ModuleRoot(), ".venv", "bin", "python")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("VOXSIAM_REQUIRE_PYTHON") != "" {
			t.Fatalf("testenv: python %s not found (run `make setup`): %v", p, err)
		}
		t.Skipf("testenv: python %s not found (run `make setup`)", p)
	}
	return p
}

// RunPython runs script with the venv's python and args, and returns its
// standard output. Stderr is reported on failure.
func RunPython(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	py := Python(t)
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3", "CUDA_VISIBLE_DEVICES=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testenv: python reference failed: %v\n%s", err, stderr.String())
	}
	return out
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Require fails (under `make test`) or skips the test when the named
// executable is not on PATH.
func Require(t testing.TB, exe string) string {
	t.Helper()
	p, err := exec.LookPath(exe)
	if err != nil {
		if os.Getenv("VOXSIAM_REQUIRE_PYTHON") != "" {
			t.Fatalf("testenv: %s not installed (run `make setup`)", exe)
		}
		t.Skipf("testenv: %s not installed", exe)
	}
	return p
}
