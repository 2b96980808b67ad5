package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestClusterPathSwitch checks `cluster --path`: past --exact-memory the
// automatic path switches to two-stage clustering and says so on stderr,
// still finding evalFixture's five well separated speakers (MR 0); the
// exact path prints nothing there; forced paths say nothing; what the
// two-stage path cannot do is a usage error.
func TestClusterPathSwitch(t *testing.T) {
	dir, _ := evalFixture(t) // 20 utterances: an exact matrix of 760 bytes
	run := func(args ...string) (string, string, int) {
		var so, se bytes.Buffer
		err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam", "cluster", "--embeddings", dir, "--json"}, args...))
		return so.String(), se.String(), exitCode(context.Background(), err)
	}
	const tiny = "0.0000001" // GiB: 107 bytes
	for _, c := range []struct {
		name     string
		args     []string
		path     string
		announce bool
	}{
		{"auto-small", []string{"--speakers", "5"}, "exact", false},
		{"auto-over-budget", []string{"--speakers", "5", "--exact-memory", tiny, "--centroids", "10"}, "two-stage", true},
		{"forced-two-stage", []string{"--speakers", "5", "--path", "two-stage", "--centroids", "10"}, "two-stage", false},
		{"forced-exact", []string{"--speakers", "5", "--path", "exact", "--exact-memory", tiny}, "exact", false},
		{"oracle-two-stage", []string{"--oracle", "--path", "two-stage", "--centroids", "12"}, "two-stage", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			so, se, code := run(c.args...)
			var res struct {
				Path, Cut string
				Clusters  int
				Metrics   struct{ MR float64 }
			}
			if code != 0 || json.Unmarshal([]byte(so), &res) != nil {
				t.Fatalf("exit %d: %s %s", code, so, se)
			}
			if res.Path != c.path || res.Clusters != 5 || res.Metrics.MR != 0 {
				t.Errorf("path %q, %d clusters, MR %v; want %s, 5, 0", res.Path, res.Clusters, res.Metrics.MR, c.path)
			}
			if got := strings.Contains(se, "clustering in two stages"); got != c.announce {
				t.Errorf("stderr %q: announced %v, want %v", se, got, c.announce)
			}
		})
	}
	for _, args := range [][]string{
		{"--speakers", "5", "--path", "fast"},
		{"--speakers", "5", "--path", "two-stage", "--centroids", "4"},
		{"--dev", dir, "--path", "two-stage"},
		{"--speakers", "5", "--exact-memory", "-1"},
		{"--speakers", "5", "--exact-memory", "0"},
	} {
		if _, se, code := run(args...); code != exitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, se, exitUsage)
		}
	}
}
