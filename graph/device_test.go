package graph

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/errs"
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

// TestParseDevice: the one --device form of train and embed; other words
// are usage errors.
func TestParseDevice(t *testing.T) {
	for _, c := range []struct {
		in, name string
		usage    bool
	}{
		{"", "", false}, {"auto", "", false}, {"cpu", "/device:CPU:0", false}, {"CPU", "/device:CPU:0", false},
		{"gpu:0", "/device:GPU:0", false}, {"GPU:3", "/device:GPU:3", false},
		{"/device:GPU:0", "", true}, {"gpu", "", true}, {"gpu:-1", "", true}, {"gpu:x", "", true}, {"tpu", "", true},
	} {
		t.Run(c.in, func(t *testing.T) {
			name, err := DeviceName(c.in)
			if name != c.name || (err != nil) != c.usage || (err != nil && !errors.Is(err, errs.ErrUsage)) {
				t.Errorf("DeviceName(%q) = %q, %v; want %q, usage error %v", c.in, name, err, c.name, c.usage)
			}
		})
	}
}
