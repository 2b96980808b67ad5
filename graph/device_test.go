package graph

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestDevicePlacement builds a Train graph pinned to "/device:GPU:0" and
// trains, saves and restores it. On a CPU-only libtensorflow (as here) this
// passes only through soft placement; on a GPU build it also proves that
// the CPU-only ops (SaveV2/RestoreV2) coexist with a GPU-pinned graph.
func TestDevicePlacement(t *testing.T) {
	cfg := tinyConfig("float32")
	cfg.Device = "/device:GPU:0"
	m, s := session(t, cfg, Train)
	pinned := 0
	for _, op := range m.Graph.Operations() {
		if op.Device() == cfg.Device {
			pinned++
		}
	}
	if pinned == 0 {
		t.Fatalf("no op carries device %s", cfg.Device)
	}
	x, lab := randomBatch(t, cfg, 6, rand.New(rand.NewPCG(3, 3)))
	feeds := map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab, m.Training: mustTensor(t, true)}
	run(t, s, feeds, []tf.Output{m.Loss}, m.TrainOp)
	prefix := filepath.Join(t.TempDir(), "ckpt-1")
	if err := m.Save(s, prefix); err != nil {
		t.Fatal(err)
	}
	if err := m.Restore(s, prefix); err != nil {
		t.Fatal(err)
	}
}

// TestTowerDevices: the device names of local towers and of towers on a
// cluster task, for GPUs and CPUs; a device without type and index is an
// error.
func TestTowerDevices(t *testing.T) {
	for _, c := range []struct {
		name, task, device string
		n                  int
		want               []string
	}{
		{"local gpus", "", "/device:GPU:0", 2, []string{"/device:GPU:0", "/device:GPU:1"}},
		{"local gpus from 2", "", "/device:GPU:2", 3, []string{"/device:GPU:2", "/device:GPU:3", "/device:GPU:4"}},
		{"local cpus", "", "/device:CPU:0", 2, []string{"/device:CPU:0", "/device:CPU:1"}},
		{"worker gpus", "/job:worker/replica:0/task:1", "/device:GPU:0", 2,
			[]string{"/job:worker/replica:0/task:1/device:GPU:0", "/job:worker/replica:0/task:1/device:GPU:1"}},
		{"one tower", "/job:worker/replica:0/task:0", "/device:CPU:0", 1, []string{"/job:worker/replica:0/task:0/device:CPU:0"}},
		{"no device", "", "", 2, nil},
		{"no index", "", "/device:GPU", 2, nil},
		{"tpu", "", "/device:TPU:0", 2, nil},
		{"no towers", "", "/device:GPU:0", 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := TowerDevices(c.task, c.device, c.n)
			if (err != nil) != (c.want == nil) || !slices.Equal(got, c.want) {
				t.Errorf("TowerDevices(%q, %q, %d) = %q, %v; want %q", c.task, c.device, c.n, got, err, c.want)
			}
		})
	}
}

// TestTowerGPUPlacement builds (does not run: no GPU here) a graph with
// towers on a worker's GPU:0 and GPU:1 and the variables on the chief, and
// checks the device every op asks for: each tower's forward and gradient
// ops carry its GPU, the variables, the loss and the other gradient ops
// (the loss's, the sums over tasks) the chief's device; the sums of the
// two towers' weight gradients ("/task_") are on the worker's first GPU.
func TestTowerGPUPlacement(t *testing.T) {
	cfg := tinyConfig("float32")
	cfg.Device = "/job:chief/replica:0/task:0/device:CPU:0"
	devs, err := TowerDevices("/job:worker/replica:0/task:1", "/device:GPU:0", 2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildTowers(cfg, devs)
	if err != nil {
		t.Fatal(err)
	}
	count, grads := map[string]int{}, map[string]int{}
	for _, op := range m.Graph.Operations() {
		name := op.Name()
		switch {
		case strings.HasPrefix(name, "tower0/"), strings.HasPrefix(name, "tower1/"):
			want := devs[name[len("tower")]-'0']
			if op.Device() != want {
				t.Fatalf("op %s on %q, want %q", name, op.Device(), want)
			}
			count[want]++
		case name == "loss" || op.Type() == "VarHandleOp":
			if op.Device() != cfg.Device {
				t.Fatalf("op %s on %q, want %q", name, op.Device(), cfg.Device)
			}
			count[cfg.Device]++
		case strings.HasPrefix(name, "gradients/") && strings.Contains(name, "/task_"):
			grads["task sums on "+op.Device()]++
		case strings.HasPrefix(name, "gradients/"):
			grads[op.Device()]++
		}
	}
	t.Logf("ops per requested device: %v; gradient ops: %v", count, grads)
	if len(count) != 3 || count[devs[0]] != count[devs[1]] {
		t.Errorf("ops per device %v: want both towers alike and the chief", count)
	}
	if len(grads) != 4 || grads[devs[0]] == 0 || grads[devs[0]] != grads[devs[1]] || grads[cfg.Device] == 0 || grads["task sums on "+devs[0]] == 0 {
		t.Errorf("gradient ops per device %v: want both towers alike, the chief and the task sums on the first tower", grads)
	}
}
