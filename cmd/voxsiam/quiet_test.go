package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
)

// TestMain runs main instead of the tests when VOXSIAM_TEST_MAIN=1, so
// tests can run this binary as the voxsiam command (libtensorflow, the
// start-up hook of internal/tfquiet and all).
func TestMain(m *testing.M) {
	if os.Getenv("VOXSIAM_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// runMain runs the test binary as `voxsiam args...` in a clean environment
// (no TF_CPP_MIN_LOG_LEVEL, no VOXSIAM_* variables) plus env, and returns
// its stdout and stderr.
func runMain(t *testing.T, env []string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_CPP_MIN_LOG_LEVEL=") && !strings.HasPrefix(kv, "VOXSIAM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, "VOXSIAM_TEST_MAIN=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("voxsiam %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// TestEmbedStderrQuiet: a successful `voxsiam embed` writes nothing to
// stderr by default (libtensorflow's start-up lines, oneDNN's notice and
// the cuInit error line are gone); --verbose and VOXSIAM_VERBOSE=1 bring
// TensorFlow's lines back (so the first check would see them).
func TestEmbedStderrQuiet(t *testing.T) {
	model := modeltest.NewRun(t, exportTestSpec).Export(t, "")
	corpus, wavs := embedTestCorpus(t)
	embedArgs := func(out string) []string {
		return []string{"embed", "--model", model, "--in", filepath.Join(corpus, wavs["a"]), "--in", filepath.Join(corpus, wavs["c"]),
			"--out", filepath.Join(t.TempDir(), out)}
	}
	stdout, stderr := runMain(t, nil, embedArgs("quiet")...)
	if !strings.Contains(stdout, "embedded 2 utterances") || stderr != "" {
		t.Errorf("default run: stdout\n%s\nstderr (want none)\n%s", stdout, stderr)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"--verbose", nil, append([]string{"--verbose"}, embedArgs("verbose")...)},
		{"VOXSIAM_VERBOSE=1", []string{"VOXSIAM_VERBOSE=1"}, embedArgs("env")},
	} {
		_, stderr := runMain(t, tc.env, tc.args...)
		t.Logf("%s: stderr\n%s", tc.name, stderr)
		if !strings.Contains(stderr, "absl::InitializeLog()") || !strings.Contains(stderr, "I0000 ") {
			t.Errorf("%s: stderr without TensorFlow's lines:\n%s", tc.name, stderr)
		}
	}
}
