package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// UpdateEnv, set to 1 where the venv exists, makes Reference rewrite the
// stored outputs from the live reference run (scripts/update-references.sh).
const UpdateEnv = "VOXSIAM_UPDATE_REFERENCES"

// storedRef is a file testdata/references/<name>.json: the output of a
// reference script (JSON) and a hash of the script and its arguments, so a
// changed input makes the stored output stale instead of wrong.
type storedRef struct {
	Script string          `json:"script"` // the script, for a reader; the key covers it
	Key    string          `json:"key"`    // sha256 of script and arguments
	Output json.RawMessage `json:"output"`
}

// Reference checks voxsiam against a Python reference twice: check runs
// first (subtest "stored") on the output of script with args stored in
// testdata/references/<name>.json, in any shell; then (subtest "live"),
// where the venv exists, script runs with RunPython and check runs on its
// output, which must also equal the stored one up to check's tolerances.
// Without the venv "live" is skipped (fails when Required). With
// UpdateEnv=1 the live output is written to the stored file first.
func Reference(t *testing.T, name, script string, args []string, check func(t *testing.T, out []byte)) {
	t.Helper()
	path := filepath.Join("testdata", "references", name+".json")
	key := refKey(script, args)
	update := os.Getenv(UpdateEnv) == "1"
	if !update {
		t.Run("stored", func(t *testing.T) {
			check(t, readStored(t, path, key))
		})
	}
	t.Run("live", func(t *testing.T) {
		out := RunPython(t, script, args...)
		if update {
			writeStored(t, path, script, key, out)
		}
		check(t, out)
	})
}

func refKey(script string, args []string) string {
	h := sha256.New()
	h.Write([]byte(script))
	for _, a := range args {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readStored(t *testing.T, path, key string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	var s storedRef
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("testenv: stored reference %s: %v (regenerate: %s=1 go test -run '%s' in the venv)", path, err, UpdateEnv, rootTest(t))
	}
	if s.Key != key {
		t.Fatalf("testenv: stored reference %s is stale: the script or its input changed (regenerate: %s=1 go test -run '%s' in the venv)", path, UpdateEnv, rootTest(t))
	}
	return s.Output
}

func writeStored(t *testing.T, path, script, key string, out []byte) {
	t.Helper()
	b, err := json.Marshal(storedRef{Script: script, Key: key, Output: json.RawMessage(out)})
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = os.WriteFile(path, append(b, '\n'), 0o644)
	}
	if err != nil {
		t.Fatalf("testenv: write %s: %v", path, err)
	}
	t.Logf("testenv: wrote %s", path)
}

func rootTest(t *testing.T) string {
	name, _, _ := strings.Cut(t.Name(), "/")
	return "^" + name + "$"
}
