package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voxsiam/voxsiam/internal/tfserver"
)

// distTOML: the tiny network of tinyTOML, batch 8 (4 per worker),
// a loss row every step, validation (on the chief) every 3 steps.
const distTOML = `
[model]
lstm1 = 4
lstm2 = 4
[train]
steps = 6
segment = 10
batch = 8
log_every = 1
val_every = 3
mr_every = 3
checkpoint_every = 3
intra_op_threads = 1
inter_op_threads = 1
[data]
val_fraction = 0.25
val_segments = 16
`

// child is a voxsiam process (this test binary running main).
type child struct {
	cmd      *exec.Cmd
	out, err bytes.Buffer
	done     chan struct{}
	code     int
}

// startVoxsiam runs `voxsiam args...` as a child process; it is killed at
// the end of the test if still running.
func startVoxsiam(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), "VOXSIAM_TEST_MAIN=1")
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.err
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		c.code = c.cmd.ProcessState.ExitCode()
		close(c.done)
	}()
	t.Cleanup(func() { c.kill() })
	return c
}

func (c *child) kill() {
	select {
	case <-c.done:
	default:
		c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
	}
}

// wait waits for the child to exit (the test fails after limit).
func (c *child) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
		return c.code
	case <-time.After(limit):
		c.kill()
		t.Fatalf("%v still running after %v\nstdout:\n%s\nstderr:\n%s", c.cmd.Args[1:], limit, c.out.String(), c.err.String())
	}
	return -1
}

// distReference makes a test store and distTOML in a temporary directory
// and trains the one-process reference run dir/ref on them (args added to
// `train`), for the tower and cluster tests to compare their losses with.
func distReference(t *testing.T, args ...string) (dir, feats, cfg, ref string) {
	t.Helper()
	dir = t.TempDir()
	feats = trainTestStore(t, dir)
	cfg = filepath.Join(dir, "train.toml")
	if err := os.WriteFile(cfg, []byte(distTOML), 0o644); err != nil {
		t.Fatal(err)
	}
	ref = filepath.Join(dir, "ref")
	if out, code := runCLI(append([]string{"train", "--config", cfg, "--data", feats, "--out", ref}, args...)...); code != 0 {
		t.Fatalf("one-process reference run: %s", out)
	}
	return dir, feats, cfg, ref
}

// localCluster writes cluster.json for a chief and n workers on free
// loopback ports and starts the workers (`voxsiam server`).
func localCluster(t *testing.T, dir string, n int) (path string, addrs []string, workers []*child) {
	t.Helper()
	addrs, err := tfserver.FreeLoopbackAddrs(n + 1)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "cluster.json")
	if err := os.WriteFile(path, []byte(tfserver.LocalConfig(addrs, tfserver.Task{Type: "chief"})), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		workers = append(workers, startWorker(t, path, i))
	}
	return path, addrs, workers
}

func startWorker(t *testing.T, cluster string, i int) *child {
	return startVoxsiam(t, "server", "--cluster", cluster, "--task", "worker:"+string(rune('0'+i)), "--intra-op", "1", "--inter-op", "1")
}

// losses reads step -> loss from a run's metrics.jsonl.
func losses(t *testing.T, run string) map[int]float64 { return metric(t, run, "loss") }

// sameLosses compares the losses of steps from..to of two runs (relative
// tolerance 1e-5: the towers' MatMuls have half the rows; measured 0).
func sameLosses(t *testing.T, what string, want, got map[int]float64, from, to int) {
	t.Helper()
	worst := 0.0
	for s := from; s <= to; s++ {
		w, ok1 := want[s]
		g, ok2 := got[s]
		if !ok1 || !ok2 {
			t.Fatalf("%s: step %d missing (one process %v, cluster %v)", what, s, ok1, ok2)
		}
		worst = math.Max(worst, math.Abs(g-w)/math.Abs(w))
	}
	t.Logf("%s: steps %d-%d, largest relative loss difference %.3g", what, from, to, worst)
	if worst > 1e-5 {
		t.Errorf("%s: losses differ by %.3g relative (> 1e-5)\none process %v\ncluster %v", what, worst, want, got)
	}
}

// TestClusterTraining: on a loopback cluster (a chief and 2 workers, each
// tower half of the batch of 8), training gives the losses of one process
// with the whole batch and the same seed; a cluster run resumes in one
// process and a one-process run resumes on the cluster, both continuing
// the one-process losses; the cluster run's checkpoint exports.
func TestClusterTraining(t *testing.T) {
	dir, feats, cfg, ref := distReference(t)
	want := losses(t, ref)
	cluster, _, _ := localCluster(t, dir, 2)

	dist := filepath.Join(dir, "dist")
	chief := startVoxsiam(t, "train", "--cluster", cluster, "--config", cfg, "--data", feats, "--out", dist, "--steps", "3")
	if code := chief.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("cluster run: exit %d\n%s\n%s", code, chief.out.String(), chief.err.String())
	}
	if out, code := runCLI("train", "--resume", dist, "--steps", "6"); code != 0 {
		t.Fatalf("one-process resume of the cluster run: %s", out)
	}
	sameLosses(t, "cluster steps 1-3, then one process", want, losses(t, dist), 1, 6)

	one := filepath.Join(dir, "one")
	if out, code := runCLI("train", "--config", cfg, "--data", feats, "--out", one, "--steps", "3"); code != 0 {
		t.Fatalf("one-process run: %s", out)
	}
	chief = startVoxsiam(t, "train", "--cluster", cluster, "--resume", one, "--steps", "6")
	if code := chief.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("cluster resume: exit %d\n%s\n%s", code, chief.out.String(), chief.err.String())
	}
	sameLosses(t, "one process steps 1-3, then the cluster", want, losses(t, one), 1, 6)

	if out, code := runCLI("export", "--run", dist, "--out", filepath.Join(dir, "model")); code != 0 {
		t.Fatalf("export of the cluster run: %s", out)
	}
}

// TestClusterFaults: a chief without workers waits --wait and stops with
// a message naming the missing task; a worker killed mid-run stops the
// chief with an error naming it, the last checkpoint intact; restarting
// the worker and resuming continues as one process does.
func TestClusterFaults(t *testing.T) {
	dir := t.TempDir()
	feats := trainTestStore(t, dir)
	cfg := filepath.Join(dir, "train.toml")
	os.WriteFile(cfg, []byte(strings.Replace(distTOML, "checkpoint_every = 3", "checkpoint_every = 2", 1)), 0o644)

	addrs, err := tfserver.FreeLoopbackAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	lonely := filepath.Join(dir, "lonely.json")
	os.WriteFile(lonely, []byte(tfserver.LocalConfig(addrs, tfserver.Task{Type: "chief"})), 0o644)
	chief := startVoxsiam(t, "train", "--cluster", lonely, "--wait", "2s", "--config", cfg, "--data", feats, "--out", filepath.Join(dir, "lonely"))
	code := chief.wait(t, 5*time.Minute)
	msg := chief.err.String()
	if code != exitFailure || !strings.Contains(msg, "task worker:0 at "+addrs[1]+" did not answer within 2s") || !strings.Contains(msg, "voxsiam server") {
		t.Errorf("chief without workers: exit %d, stderr %q", code, msg)
	}
	if !strings.Contains(chief.out.String(), "waiting for task worker:0") {
		t.Errorf("chief without workers: no waiting note in %q", chief.out.String())
	}

	t.Logf("chief without workers: exit %d: %s", code, strings.TrimSpace(msg))
	cluster, _, workers := localCluster(t, dir, 2)
	run := filepath.Join(dir, "run")
	chief = startVoxsiam(t, "train", "--cluster", cluster, "--config", cfg, "--data", feats, "--out", run, "--steps", "100000")
	pointer := filepath.Join(run, "checkpoints", "checkpoint")
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if _, err := os.Stat(pointer); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint after 10 minutes\n%s\n%s", chief.out.String(), chief.err.String())
		}
	}
	t.Log("checkpoint written; killing worker:1")
	workers[1].kill()
	code = chief.wait(t, 10*time.Minute)
	msg = chief.err.String()
	t.Logf("chief after worker:1 was killed: exit %d: %s", code, msg)
	if code != exitFailure || !strings.Contains(msg, "cluster task worker:1 at ") || !strings.Contains(msg, "the last checkpoint is intact") {
		t.Fatalf("chief after worker:1 was killed: exit %d, stderr %q", code, msg)
	}
	last := losses(t, run)
	ptr, _ := os.ReadFile(pointer)
	name := strings.TrimSpace(string(ptr))
	for _, ext := range []string{".index", ".data-00000-of-00001"} {
		if _, err := os.Stat(filepath.Join(run, "checkpoints", name+ext)); err != nil {
			t.Fatalf("checkpoint %s: %v", name, err)
		}
	}
	var step int
	if _, err := fmtSscanf(name, "ckpt-%d", &step); err != nil {
		t.Fatalf("checkpoint name %q", name)
	}
	t.Logf("killed at or after step %d (%d loss rows)", step, len(last))

	workers[1] = startWorker(t, cluster, 1)
	chief = startVoxsiam(t, "train", "--cluster", cluster, "--resume", run, "--steps", itoa(step+2))
	if code := chief.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("cluster resume: exit %d\n%s\n%s", code, chief.out.String(), chief.err.String())
	}
	ref := filepath.Join(dir, "ref")
	if out, code := runCLI("train", "--config", cfg, "--data", feats, "--out", ref, "--steps", itoa(step+2)); code != 0 {
		t.Fatalf("one-process run: %s", out)
	}
	sameLosses(t, "cluster run, worker killed, cluster resumed", losses(t, ref), losses(t, run), 1, step+2)
}

func itoa(i int) string { return strconv.Itoa(i) }

var fmtSscanf = fmt.Sscanf
