package train

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/voxsiam/voxsiam/train/metrics"
)

// TestHelperTrain is not a test: it is the training process that
// TestResumeAfterKill kills (the os/exec GO_WANT_HELPER_PROCESS pattern).
// With VOXSIAM_HELPER_PAUSE_AT=n it stops after step n (its checkpoint, if
// any, and metrics row written), writes n to file descriptor 3 and waits
// for SIGINT (SIGKILL ends it there).
func TestHelperTrain(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		t.Skip("helper process")
	}
	cfg, err := LoadConfig(os.Getenv("VOXSIAM_HELPER_CONFIG"))
	if err != nil {
		os.Exit(3)
	}
	if at, err := strconv.ParseInt(os.Getenv("VOXSIAM_HELPER_PAUSE_AT"), 10, 64); err == nil {
		sigc := make(chan os.Signal, 1)
		signal.Notify(sigc, os.Interrupt)
		paused := os.NewFile(3, "paused")
		afterStep = func(step int64) {
			if step == at {
				fmt.Fprintln(paused, step)
				paused.Close()
				<-sigc
			}
		}
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

// startHelper runs TestHelperTrain on cfg into run, waits until it has
// paused after step pauseAt, sends it sig and returns its exit code.
func startHelper(t *testing.T, cfg Config, run string, pauseAt int64, sig os.Signal) int {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "train.toml")
	if err := WriteConfig(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperTrain$")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1", "VOXSIAM_HELPER_CONFIG="+cfgPath,
		"VOXSIAM_HELPER_RUN="+run, fmt.Sprintf("VOXSIAM_HELPER_PAUSE_AT=%d", pauseAt))
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = []*os.File{w} // fd 3
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != strconv.FormatInt(pauseAt, 10) {
		cmd.Process.Kill()
		t.Fatalf("helper did not pause after step %d: read %q, %v (exit: %v)", pauseAt, line, err, cmd.Wait())
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
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

// TestResumeAfterKill: a run killed with SIGKILL and resumed logs the same
// loss and validation curve as an uninterrupted run with the same seed (1
// intra/inter-op thread), within 1e-5. The helper is killed while paused
// right after its checkpoint at step 10, and three steps later (steps
// 11-13 logged, not checkpointed: the resumed run redoes them).
func TestResumeAfterKill(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	cfg.Train.Steps = 60 // checkpoints every 5 steps
	ref := filepath.Join(dir, "ref")
	if err := Run(context.Background(), cfg, ref, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, pauseAt := range []int64{10, 13} {
		t.Run(fmt.Sprintf("killed after step %d", pauseAt), func(t *testing.T) {
			run := filepath.Join(dir, fmt.Sprintf("killed-%d", pauseAt))
			if code := startHelper(t, cfg, run, pauseAt, os.Kill); code != -1 {
				t.Fatalf("helper exit code %d, want killed (-1)", code)
			}
			c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
			if name, _ := c.pointer("checkpoint"); name != ckptName(10) {
				t.Fatalf("latest checkpoint %q when killed after step %d, want %s", name, pauseAt, ckptName(10))
			}
			rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
			if err != nil || len(rows) == 0 || rows[len(rows)-1].Step() != pauseAt {
				t.Fatalf("metrics.jsonl when killed after step %d: %d rows, %v", pauseAt, len(rows), err)
			}
			if err := Resume(context.Background(), run, nil, io.Discard); err != nil {
				t.Fatal(err)
			}
			compareCurves(t, lossCurve(t, ref), lossCurve(t, run), cfg.Train.Steps)
		})
	}
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

// TestInterruptCheckpoints: SIGINT (sent while the helper is paused after
// step 10, between checkpoints 7 and 14) makes the run save a checkpoint
// at the step it reached and exit 130.
func TestInterruptCheckpoints(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	cfg.Train.Steps, cfg.Train.CkptEvery = 200, 7
	run := filepath.Join(dir, "run")
	if code := startHelper(t, cfg, run, 10, os.Interrupt); code != 130 {
		t.Fatalf("exit code %d after SIGINT, want 130", code)
	}
	rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1].Step()
	if last < 10 || last >= cfg.Train.Steps {
		t.Fatalf("interrupted after step 10, last logged step %d", last)
	}
	c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
	name, _ := c.pointer("checkpoint")
	if name != ckptName(last) {
		t.Fatalf("after SIGINT latest checkpoint %s, last logged step %d", name, last)
	}
}
