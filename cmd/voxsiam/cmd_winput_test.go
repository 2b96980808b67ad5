package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voxsiam/voxsiam/tools/store"
)

// copyStore copies the store in src to dst (a worker's copy) and returns
// dst's absolute path.
func copyStore(t *testing.T, src, dst string) string {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{store.FramesFile, store.ManifestFile, store.SpeakersFile, store.FeaturesFile} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(dst)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestDistWorkerStoreUsage: worker input with SpecAugment, --worker-store
// without towers and a relative --worker-store are usage errors (exit 2)
// that say why, before anything runs (the cluster file is not read).
func TestDistWorkerStoreUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		has  string
	}{
		{"spec-augment on a cluster", []string{"--cluster", filepath.Join(dir, "none.json"), "--worker-store", "same", "--spec-augment"},
			"the masks are applied to the frames the chief feeds"},
		{"spec-augment with local towers", []string{"--device", "cpu", "--local-devices", "2", "--worker-store", "/data/feats", "--spec-augment"},
			"do not go together"},
		{"no towers", []string{"--worker-store", "same"}, "--worker-store needs towers"},
		{"relative", []string{"--device", "cpu", "--local-devices", "2", "--worker-store", "feats"}, `worker_store "feats": want the store's absolute path`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := runCLI(append([]string{"train", "--data", dir, "--out", filepath.Join(dir, "run")}, c.args...)...)
			t.Logf("exit %d: %s", code, out)
			if code != exitUsage || !strings.Contains(out, c.has) {
				t.Errorf("exit %d, output %q; want exit 2 with %q", code, out, c.has)
			}
		})
	}
}

// TestClusterWorkerStore: on a loopback cluster (a chief and 2 workers),
// `train --cluster --worker-store COPY` (each tower reads its 4 rows from
// a copy of the store) gives the losses and validation losses of one
// process with the batch of 8 and the same seed (relative tolerance
// 1e-5). A copy with one manifest line changed, and a directory that does
// not exist, stop the chief before the first step (exit 3) with an error
// naming the task and the path; the run has no loss row.
func TestClusterWorkerStore(t *testing.T) {
	dir, feats, cfg, ref := distReference(t)
	cluster, _, _ := localCluster(t, dir, 2)
	args := []string{"train", "--cluster", cluster, "--config", cfg, "--data", feats, "--worker-store"}

	copied := copyStore(t, feats, filepath.Join(dir, "worker-copy"))
	run := filepath.Join(dir, "run")
	chief := startVoxsiam(t, append(args, copied, "--out", run)...)
	if code := chief.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("cluster run with worker input: exit %d\n%s\n%s", code, chief.out.String(), chief.err.String())
	}
	sameLosses(t, "2 workers, worker input", losses(t, ref), losses(t, run), 1, 6)
	want, got := metric(t, ref, "val_loss"), metric(t, run, "val_loss")
	for _, step := range []int{3, 6} {
		if w, g := want[step], got[step]; w == 0 || math.Abs(g-w) > 1e-5*math.Abs(w) {
			t.Errorf("step %d: val_loss %g, one process %g", step, g, w)
		}
	}

	changed := copyStore(t, feats, filepath.Join(dir, "changed"))
	manifest := filepath.Join(changed, store.ManifestFile)
	b, _ := os.ReadFile(manifest)
	lines := bytes.Split(b, []byte("\n"))
	lines[3] = bytes.Replace(lines[3], []byte("x.wav"), []byte("y.wav"), 1) // one source column
	os.WriteFile(manifest, bytes.Join(lines, []byte("\n")), 0o644)
	missing := filepath.Join(dir, "no-such-store")
	for _, c := range []struct {
		name, store string
		has         []string
	}{
		{"one manifest line changed", changed, []string{"worker store of task worker:0: " + manifest + " differs from the chief's " + filepath.Join(feats, store.ManifestFile)}},
		{"missing directory", missing, []string{"worker store of task worker:0: cannot read " + filepath.Join(missing, store.ManifestFile), "No such file or directory"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			chief := startVoxsiam(t, append(args, c.store, "--out", out)...)
			code := chief.wait(t, 10*time.Minute)
			msg := chief.err.String()
			t.Logf("exit %d: %s", code, msg[strings.Index(msg, "voxsiam:"):])
			if code != exitData {
				t.Errorf("exit %d, want 3\n%s", code, msg)
			}
			for _, h := range c.has {
				if !strings.Contains(msg, h) {
					t.Errorf("stderr does not say %q:\n%s", h, msg)
				}
			}
			if _, err := os.Stat(filepath.Join(out, "metrics.jsonl")); err == nil {
				if rows := losses(t, out); len(rows) != 0 {
					t.Errorf("steps ran before the store check failed: %v", rows)
				}
			}
		})
	}
}
