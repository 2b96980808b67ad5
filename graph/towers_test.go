package graph

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/tfserver"
)

// TestMain doubles as a TensorFlow server process for the loopback
// cluster tests (tfserver.StartChild).
func TestMain(m *testing.M) {
	tfserver.RunChildIfAsked()
	os.Exit(m.Run())
}

// towerLosses runs steps Adam steps of m on batches of n random segments
// (the same for every graph: rng seeded alike), dropout on with
// dropout_seed [7, step], and returns the loss of each step.
func towerLosses(t *testing.T, m *Model, s *tf.Session, steps, n int) []float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	var losses []float64
	for step := 0; step < steps; step++ {
		x, labels := randomBatch(t, m.Config, n, rng)
		out := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels,
			m.Training: mustTensor(t, true), m.DropoutSeed: mustTensor(t, []int64{7, int64(step)})},
			[]tf.Output{m.Loss}, m.TrainOp)
		losses = append(losses, float64(out[0].Value().(float32)))
	}
	return losses
}

// TestTowersMatchOneProcess: a graph with two towers, each on half of the
// mini-batch, the PKLD loss over all pairs of the concatenated outputs,
// gives the losses of the one-tower graph on the whole batch, step after
// step (Adam updates included), same seed: on two local CPU devices and
// on a loopback cluster of a chief and two workers (child processes on
// free ports). Tolerance 1e-5 relative: the towers' MatMuls have half the
// rows, and TensorFlow's CPU kernels round a row by its place in the run.
func TestTowersMatchOneProcess(t *testing.T) {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11}
	const steps, batch = 4, 8
	m1, s1 := session(t, cfg, Train)
	want := towerLosses(t, m1, s1, steps, batch)

	t.Run("local devices", func(t *testing.T) {
		m, err := BuildTowers(cfg, []string{"/device:CPU:0", "/device:CPU:1"})
		if err != nil {
			t.Fatal(err)
		}
		s := initSession(t, m, SessionOptions{IntraOp: 1, InterOp: 2, CPUDevices: 2})
		compareLosses(t, want, towerLosses(t, m, s, steps, batch))
	})
	t.Run("loopback cluster", func(t *testing.T) {
		addrs, err := tfserver.FreeLoopbackAddrs(3)
		if err != nil {
			t.Fatal(err)
		}
		tasks := []tfserver.Task{{Type: "chief", Index: 0}, {Type: "worker", Index: 0}, {Type: "worker", Index: 1}}
		var procs []*exec.Cmd
		for _, task := range tasks {
			cmd, err := tfserver.StartChild(addrs, task, 2*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			procs = append(procs, cmd)
		}
		c := cfg
		c.Device = tasks[0].Device() + "/device:CPU:0"
		m, err := BuildTowers(c, []string{tasks[1].Device() + "/device:CPU:0", tasks[2].Device() + "/device:CPU:0"})
		if err != nil {
			t.Fatal(err)
		}
		s := initSession(t, m, SessionOptions{Target: "grpc://" + addrs[0], OperationTimeout: 2 * time.Minute})
		compareLosses(t, want, towerLosses(t, m, s, steps, batch))
		// The towers run on the workers: with worker 1 gone, a step fails.
		procs[2].Process.Kill()
		procs[2].Wait()
		x, labels := randomBatch(t, m.Config, batch, rand.New(rand.NewPCG(5, 6)))
		_, err = s.Run(map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels}, []tf.Output{m.Loss}, []*tf.Operation{m.TrainOp})
		t.Logf("step with worker 1 killed: %v", err)
		if err == nil {
			t.Error("a step ran with worker 1 killed: its tower is not on worker 1")
		}
	})
}

func initSession(t *testing.T, m *Model, o SessionOptions) *tf.Session {
	t.Helper()
	s, err := m.NewSession(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	run(t, s, nil, nil, m.Init)
	return s
}

func compareLosses(t *testing.T, want, got []float64) {
	t.Helper()
	worst := 0.0
	for i := range want {
		worst = math.Max(worst, math.Abs(got[i]-want[i])/math.Abs(want[i]))
	}
	t.Logf("one tower %v\ntwo towers %v\nlargest relative difference %.3g", want, got, worst)
	if worst > 1e-5 {
		t.Errorf("losses differ by up to %.3g relative (> 1e-5)", worst)
	}
}
