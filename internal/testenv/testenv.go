// Package testenv locates the project's Python environment for tests that
// compare voxsiam against independent references (TensorFlow/Keras, librosa,
// scipy, scikit-learn, tensorboard) running in the same venv.
//
// Checks against stored reference values (testdata/) run in any shell;
// the live comparison with the venv runs on top where the venv exists.
// `make test` sets VOXSIAM_PYTHON and VOXSIAM_REQUIRE_EXTERNAL=1, so a
// missing or broken venv, or a missing program the tests run (the speech
// synthesizers, sox), fails the run instead of skipping those checks.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RequireEnv names the variable that turns a missing external reference
// (the venv's Python, a program such as espeak-ng, festival, flite or sox)
// from a skip into a failure. VOXSIAM_REQUIRE_PYTHON, its name before it
// also gated the programs, is read too, for scripts that still set it.
const RequireEnv = "VOXSIAM_REQUIRE_EXTERNAL"

// Required reports whether RequireEnv (or VOXSIAM_REQUIRE_PYTHON) is set.
func Required() bool {
	return os.Getenv(RequireEnv) != "" || os.Getenv("VOXSIAM_REQUIRE_PYTHON") != ""
}

// Missing skips t for a missing external reference, or fails it when
// Required: the one place that decides.
func Missing(t testing.TB, format string, a ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("testenv: "+format+" (run `make setup`; "+RequireEnv+" is set)", a...)
	}
	t.Skipf("testenv: "+format, a...)
}

// Python returns the venv's python interpreter. Without one the test is
// skipped, or fails when Required.
func Python(t testing.TB) string {
	t.Helper()
	p, err := pythonPath()
	if err != nil {
		Missing(t, "python %s not found: %v", p, err)
	}
	return p
}

// HavePython reports whether the venv's python exists, for tests that
// check stored values in any case and live ones on top: without it they
// go on (false), or fail when Required.
func HavePython(t testing.TB) bool {
	t.Helper()
	p, err := pythonPath()
	if err != nil && Required() {
		t.Fatalf("testenv: python %s not found: %v (run `make setup`; %s is set)", p, err, RequireEnv)
	}
	return err == nil
}

// pythonPath is $VOXSIAM_PYTHON, else the module's .venv/bin/python, and
// whether it exists.
func pythonPath() (string, error) {
	p := os.Getenv("VOXSIAM_PYTHON")
	if p == "" {
		p = filepath.Join(ModuleRoot(), ".venv", "bin", "python")
	}
	_, err := os.Stat(p)
	return p, err
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

// Optional returns the path of the named executable for a check that runs
// only where it is installed; a missing one is "" (a failure when
// Required).
func Optional(t testing.TB, exe string) string {
	t.Helper()
	p, err := exec.LookPath(exe)
	if err != nil && Required() {
		t.Fatalf("testenv: %s not installed (run `make setup`; %s is set)", exe, RequireEnv)
	}
	return p
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Require returns the path of the named executable, or skips the test
// (fails it when Required) when it is not on PATH.
func Require(t testing.TB, exe string) string {
	t.Helper()
	p, err := exec.LookPath(exe)
	if err != nil {
		Missing(t, "%s not installed", exe)
	}
	return p
}
