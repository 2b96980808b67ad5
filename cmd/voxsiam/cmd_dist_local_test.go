package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// metric reads step -> value of key from a run's metrics.jsonl.
func metric(t *testing.T, run, key string) map[int]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(run, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row map[string]float64
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		if v, ok := row[key]; ok {
			out[int(row["step"])] = v
		}
	}
	return out
}

// TestDistLocalDevices: `train --device cpu --local-devices 2` (two towers
// on two CPU devices of one process, 4 segments each), with the frames fed
// and with `--worker-store same` (each tower reading its rows from the
// store), gives the losses of the one-tower run with the batch of 8 and the
// same seed, and the same validation losses (16 validation segments, split
// across the towers); relative tolerance 1e-5. The run's config.toml
// records local_devices and worker_store.
func TestDistLocalDevices(t *testing.T) {
	dir, feats, cfg, ref := distReference(t)
	for _, c := range []struct {
		name string
		args []string
		conf []string // lines config.toml must hold
	}{
		{"fed", nil, []string{"local_devices = 2", `device = "/device:CPU:0"`}},
		{"worker-input", []string{"--worker-store", "same"}, []string{"local_devices = 2", `worker_store = "same"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			two := filepath.Join(dir, c.name)
			args := append([]string{"train", "--config", cfg, "--data", feats, "--out", two, "--device", "cpu", "--local-devices", "2"}, c.args...)
			if out, code := runCLI(args...); code != 0 {
				t.Fatalf("two local towers, %s: %s", c.name, out)
			}
			what := "2 local towers, " + c.name
			sameLosses(t, what, losses(t, ref), losses(t, two), 1, 6)
			want, got := metric(t, ref, "val_loss"), metric(t, two, "val_loss")
			if len(want) != 2 || len(got) != len(want) {
				t.Fatalf("validation rows: one tower %v, two towers %v", want, got)
			}
			sameLosses(t, what+": val_loss", want, got, 3, 3)
			sameLosses(t, what+": val_loss", want, got, 6, 6)
			b, err := os.ReadFile(filepath.Join(two, "config.toml"))
			for _, line := range c.conf {
				if err != nil || !strings.Contains(string(b), line) {
					t.Errorf("config.toml of the two-tower run has no %q (%v):\n%s", line, err, b)
				}
			}
		})
	}
}

// TestDistLocalDevicesUsage: towers need a device type and an equal share
// of the batch.
func TestDistLocalDevicesUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		has  string
	}{
		{"no device", []string{"--local-devices", "2"}, "--device gpu:K for GPUs K..K+1"},
		{"batch not a multiple", []string{"--local-devices", "3", "--device", "gpu:0", "--batch", "8"}, "batch 8 is not a multiple of local_devices 3"},
		{"negative", []string{"--local-devices", "-1"}, "local_devices -1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := runCLI(append([]string{"train", "--data", dir, "--out", filepath.Join(dir, "run")}, c.args...)...)
			if code != 2 || !strings.Contains(out, c.has) {
				t.Errorf("exit %d, output %q; want exit 2 naming %q", code, out, c.has)
			}
		})
	}
}

// TestDistClusterLocalDevices: `train --cluster --device cpu
// --local-devices 2` on a loopback cluster of a chief and 2 workers
// started with `server --cpu-devices 2` (four towers of 2 rows) gives the
// losses of one process with the batch of 8; with workers started without
// --cpu-devices the chief stops before training, naming the missing device.
func TestDistClusterLocalDevices(t *testing.T) {
	dir, feats, cfg, ref := distReference(t, "--steps", "3")
	cluster, _, workers := localCluster(t, dir, 2)
	args := []string{"train", "--cluster", cluster, "--config", cfg, "--data", feats, "--steps", "3", "--device", "cpu", "--local-devices", "2"}
	chief := startVoxsiam(t, append(args, "--out", filepath.Join(dir, "missing"))...)
	code := chief.wait(t, 10*time.Minute)
	msg := chief.err.String()
	for _, l := range strings.Split(msg, "\n") {
		if strings.HasPrefix(l, "voxsiam:") {
			t.Logf("workers without --cpu-devices: exit %d: %s", code, l)
		}
	}
	if code != exitFailure || !strings.Contains(msg, "tower device /job:worker/replica:0/task:0/device:CPU:1 does not exist") {
		t.Fatalf("workers without --cpu-devices: exit %d, stderr %q", code, msg)
	}
	for i, w := range workers {
		w.kill()
		workers[i] = startVoxsiam(t, "server", "--cluster", cluster, "--task", "worker:"+itoa(i), "--intra-op", "1", "--inter-op", "1", "--cpu-devices", "2")
	}
	run := filepath.Join(dir, "run")
	chief = startVoxsiam(t, append(args, "--out", run)...)
	if code := chief.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("cluster run with 2 devices per worker: exit %d\n%s\n%s", code, chief.out.String(), chief.err.String())
	}
	sameLosses(t, "2 workers x 2 CPU devices", losses(t, ref), losses(t, run), 1, 3)
}
