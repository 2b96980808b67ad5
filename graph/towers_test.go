package graph

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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
// step (Adam updates included), same seed: on two local CPU devices, on a
// loopback cluster of a chief and two workers (child processes on free
// ports), and on the same cluster with two CPU devices per worker (four
// towers of 2 rows). Tolerance 1e-5 relative: the towers' MatMuls have
// fewer rows, and TensorFlow's CPU kernels round a row by its place in the
// run. The local towers also run batches that do not divide (3 and 1 rows
// on 2 towers, dropout off), as validation does.
func TestTowersMatchOneProcess(t *testing.T) {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11}
	const steps, batch = 4, 8
	m1, s1 := session(t, cfg, Train)
	want := towerLosses(t, m1, s1, steps, batch)

	t.Run("local devices", func(t *testing.T) {
		m, s := twoLocalTowers(t, cfg)
		hasDevices(t, s, "/job:localhost/replica:0/task:0/device:CPU:1")
		compareLosses(t, want, towerLosses(t, m, s, steps, batch))
		for _, n := range []int{3, 1} {
			x, _ := randomBatch(t, cfg, n, rand.New(rand.NewPCG(8, uint64(n))))
			d1 := run(t, s1, map[tf.Output]*tf.Tensor{m1.Input: x}, []tf.Output{m1.Distribution})[0].Value().([][]float32)
			d2 := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x}, []tf.Output{m.Distribution})[0].Value().([][]float32)
			if diff := cmp.Diff(d1, d2, cmpopts.EquateApprox(1e-5, 1e-7)); diff != "" {
				t.Errorf("%d rows on 2 towers: distribution differs from one tower (-want +got):\n%s", n, diff)
			}
		}
	})
	t.Run("loopback cluster", func(t *testing.T) {
		addrs, err := tfserver.FreeLoopbackAddrs(3)
		if err != nil {
			t.Fatal(err)
		}
		tasks := []tfserver.Task{{Type: "chief", Index: 0}, {Type: "worker", Index: 0}, {Type: "worker", Index: 1}}
		var procs []*exec.Cmd
		for _, task := range tasks {
			cmd, err := tfserver.StartChildJSON(tfserver.LocalConfig(addrs, task), 2, 2*time.Minute)
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

		// Two towers per worker, on its CPU:0 and CPU:1. The variables are
		// the chief's, shared by name with m's session: init resets them.
		var devs4 []string
		for _, w := range tasks[1:] {
			d, err := TowerDevices(w.Device(), "/device:CPU:0", 2)
			if err != nil {
				t.Fatal(err)
			}
			devs4 = append(devs4, d...)
		}
		m4, err := BuildTowers(c, devs4)
		if err != nil {
			t.Fatal(err)
		}
		s4 := initSession(t, m4, SessionOptions{Target: "grpc://" + addrs[0], OperationTimeout: 2 * time.Minute})
		hasDevices(t, s4, devs4...)
		compareLosses(t, want, towerLosses(t, m4, s4, steps, batch))

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

// hasDevices fails t unless the session's devices include every one of
// want (soft placement would otherwise move a tower of a missing device
// silently).
func hasDevices(t *testing.T, s *tf.Session, want ...string) {
	t.Helper()
	list, err := s.ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range list {
		have[d.Name] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("device %s missing from the session's devices %v", w, list)
		}
	}
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

// twoLocalTowers builds cfg's Train graph with a tower on each of two
// local CPU devices and an initialised session with those devices.
func twoLocalTowers(t *testing.T, cfg Config) (*Model, *tf.Session) {
	t.Helper()
	devs, err := TowerDevices("", "/device:CPU:0", 2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildTowers(cfg, devs)
	if err != nil {
		t.Fatal(err)
	}
	return m, initSession(t, m, SessionOptions{IntraOp: 1, InterOp: 2, CPUDevices: 2})
}

func compareLosses(t *testing.T, want, got []float64) {
	t.Helper()
	worst := 0.0
	for i := range want {
		worst = math.Max(worst, math.Abs(got[i]-want[i])/math.Abs(want[i]))
	}
	t.Logf("one tower %v\ntowers    %v\nlargest relative difference %.3g", want, got, worst)
	if worst > 1e-5 {
		t.Errorf("losses differ by up to %.3g relative (> 1e-5)", worst)
	}
}
