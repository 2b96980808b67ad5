package tfserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const good = `{"cluster": {"chief": ["127.0.0.1:2222"], "worker": ["localhost:2223", "[::1]:2224"]}, "task": {"type": "worker", "index": 1}}`
	for _, c := range []struct{ name, json, err string }{
		{"good", good, ""},
		{"not json", `{"cluster": `, "not TF_CONFIG JSON"},
		{"unknown field", `{"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 0}, "environment": "cloud"}`, "unknown field"},
		{"no cluster", `{"task": {"type": "worker", "index": 0}}`, `no "cluster"`},
		{"no task", `{"cluster": {"worker": ["127.0.0.1:1"]}}`, `no "task"`},
		{"task job missing", `{"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "ps", "index": 0}}`, `"ps" is not a job`},
		{"index out of range", `{"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 1}}`, "index out of range"},
		{"no port", `{"cluster": {"worker": ["127.0.0.1"]}, "task": {"type": "worker", "index": 0}}`, "want host:port"},
		{"bad port", `{"cluster": {"worker": ["127.0.0.1:70000"]}, "task": {"type": "worker", "index": 0}}`, "port must be"},
		{"duplicate", `{"cluster": {"chief": ["127.0.0.1:5"], "worker": ["127.0.0.1:5"]}, "task": {"type": "worker", "index": 0}}`, "given to both chief:0 and worker:0"},
		{"two chiefs", `{"cluster": {"chief": ["127.0.0.1:5", "127.0.0.1:6"]}, "task": {"type": "chief", "index": 0}}`, "at most one"},
		{"bad job name", `{"cluster": {"Worker": ["127.0.0.1:5"]}, "task": {"type": "Worker", "index": 0}}`, "job name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse([]byte(c.json), "test.json")
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Address(cfg.Task) != "[::1]:2224" || cfg.Task.Device() != "/job:worker/replica:0/task:1" || cfg.Size() != 3 {
					t.Errorf("parsed %+v", cfg)
				}
				if err := cfg.CheckLoopback(false, "--allow-remote"); err != nil {
					t.Errorf("loopback cluster refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "test.json") {
				t.Fatalf("Parse = %v, want an error naming test.json with %q", err, c.err)
			}
		})
	}
}

func TestLoadSourcesAndLoopback(t *testing.T) {
	remote := `{"cluster": {"chief": ["10.0.0.5:2222"], "worker": ["127.0.0.1:2223"]}, "task": {"type": "chief", "index": 0}}`
	path := filepath.Join(t.TempDir(), "cluster.json")
	if err := os.WriteFile(path, []byte(remote), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CONFIG", remote)
	for _, spec := range []string{path, remote, ""} {
		c, err := Load(spec)
		if err != nil {
			t.Fatalf("Load(%.20q): %v", spec, err)
		}
		err = c.CheckLoopback(false, "--allow-remote")
		if err == nil || !strings.Contains(err.Error(), "chief:0 at 10.0.0.5:2222") || !strings.Contains(err.Error(), "no authentication") {
			t.Errorf("Load(%.20q): loopback check = %v", spec, err)
		}
		if err := c.CheckLoopback(true, "--allow-remote"); err != nil {
			t.Errorf("allowed remote refused: %v", err)
		}
	}
	t.Setenv("TF_CONFIG", "")
	if _, err := Load(""); err == nil || !strings.Contains(err.Error(), "set TF_CONFIG") {
		t.Errorf("no TF_CONFIG: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope.json")); err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("missing file: %v", err)
	}
}
