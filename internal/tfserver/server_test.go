package tfserver

import (
	"os"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// TestMain doubles as a server process (RunChildIfAsked).
func TestMain(m *testing.M) {
	RunChildIfAsked()
	os.Exit(m.Run())
}

// startChild runs the server of task in a child process, killed at the end
// of the test.
func startChild(t *testing.T, addrs []string, task Task) {
	t.Helper()
	cmd, err := StartChild(addrs, task, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// TestServersRunRemoteOps: a chief and a worker server in child processes
// on loopback ports; a session on the chief's target runs a graph with an
// op pinned to each task and gets the right sum (a graph naming a device
// no task has would fail).
func TestServersRunRemoteOps(t *testing.T) {
	addrs, err := FreeLoopbackAddrs(2)
	if err != nil {
		t.Fatal(err)
	}
	startChild(t, addrs, Task{"chief", 0})
	startChild(t, addrs, Task{"worker", 0})
	s := op.NewScope()
	a := op.Const(s.WithDevice("/job:worker/replica:0/task:0/device:CPU:0").SubScope("w"), float32(2))
	sum := op.AddV2(s.WithDevice("/job:chief/replica:0/task:0/device:CPU:0"), a, op.Const(s.SubScope("c"), float32(40)))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tf.NewSession(g, &tf.SessionOptions{Target: "grpc://" + addrs[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	res, err := sess.Run(nil, []tf.Output{sum}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := res[0].Value().(float32); v != 42 {
		t.Fatalf("2 + 40 across tasks = %v", v)
	}
}
