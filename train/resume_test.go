package train

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/voxsiam/voxsiam/train/metrics"
)

// TestHelperTrain is not a test: it is the training process that
// TestResumeAfterKill kills (the os/exec GO_WANT_HELPER_PROCESS pattern).
func TestHelperTrain(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		t.Skip("helper process")
	}
	cfg, err := LoadConfig(os.Getenv("VOXSIAM_HELPER_CONFIG"))
	if err != nil {
		os.Exit(3)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = Run(ctx, cfg, os.Getenv("VOXSIAM_HELPER_RUN"), io.Discard)
	switch {
	case errors.Is(err, context.Canceled):
		os.Exit(130)
	case err != nil:
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// startHelper runs TestHelperTrain on cfg into run and signals it with sig
// once the first checkpoint exists; it returns the exit code.
func startHelper(t *testing.T, cfg Config, run string, sig os.Signal) int {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "train.toml")
	if err := WriteConfig(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperTrain$")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1", "VOXSIAM_HELPER_CONFIG="+cfgPath, "VOXSIAM_HELPER_RUN="+run)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pointer := filepath.Join(run, "checkpoints", "checkpoint")
	for {
		if _, err := os.Stat(pointer); err == nil {
			cmd.Process.Signal(sig)
			break
		}
		select {
		case err := <-done:
			t.Fatalf("helper ended before its first checkpoint: %v", err)
		case <-time.After(2 * time.Millisecond):
		}
	}
	<-done
	return cmd.ProcessState.ExitCode()
}

func lossCurve(t *testing.T, run string) map[int64]metrics.Row {
	t.Helper()
	rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[int64]metrics.Row{}
	for _, r := range rows {
		if _, dup := m[r.Step()]; dup {
			t.Fatalf("%s: step %d logged twice", run, r.Step())
		}
		m[r.Step()] = r
	}
	return m
}

// TestResumeAfterKill: a run killed with SIGKILL after its first checkpoint
// and resumed logs the same loss and validation curve as an uninterrupted run
// with the same seed (1 intra/inter-op thread), within 1e-5.
func TestResumeAfterKill(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	cfg.Train.Steps = 60
	ref := filepath.Join(dir, "ref")
	if err := Run(context.Background(), cfg, ref, io.Discard); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "killed")
	if code := startHelper(t, cfg, run, os.Kill); code != -1 {
		t.Fatalf("helper exit code %d, want killed (-1)", code)
	}
	c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
	name, _ := c.pointer("checkpoint")
	killedAt, _ := parseCkptStep(name)
	if killedAt >= cfg.Train.Steps {
		t.Fatalf("helper finished (%s) before it was killed", name)
	}
	t.Logf("killed; latest checkpoint %s", name)
	if err := Resume(context.Background(), run, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	compareCurves(t, lossCurve(t, ref), lossCurve(t, run), cfg.Train.Steps)
}

func compareCurves(t *testing.T, want, got map[int64]metrics.Row, steps int64) {
	t.Helper()
	for s := int64(1); s <= steps; s++ {
		w, g := want[s], got[s]
		if g == nil {
			t.Fatalf("step %d missing after resume", s)
		}
		for k, wv := range w {
			if k == "steps_per_sec" || k == "step_time_ms" {
				continue
			}
			if gv, ok := g[k]; !ok || math.Abs(gv-wv) > 1e-5 {
				t.Errorf("step %d %s: resumed %v, uninterrupted %v", s, k, gv, wv)
			}
		}
	}
}

// TestInterruptCheckpoints: SIGINT makes the run save a checkpoint at the
// step it reached and exit 130; resuming it completes the same curve.
func TestInterruptCheckpoints(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	cfg.Train.Steps, cfg.Train.CkptEvery = 200, 7
	run := filepath.Join(dir, "run")
	if code := startHelper(t, cfg, run, os.Interrupt); code != 130 {
		t.Fatalf("exit code %d after SIGINT, want 130", code)
	}
	rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1].Step()
	c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
	name, _ := c.pointer("checkpoint")
	if name != ckptName(last) {
		t.Fatalf("after SIGINT latest checkpoint %s, last logged step %d", name, last)
	}
}
