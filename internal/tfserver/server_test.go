package tfserver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

const childEnv = "VOXSIAM_TFSERVER_TEST_CHILD"

// TestMain doubles as a server process: with childEnv set to a TF_CONFIG
// it serves that task until killed.
func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		c, err := Parse([]byte(cfg), childEnv)
		if err == nil {
			var s *Server
			if s, err = New(c, Options{IntraOp: 1, InterOp: 1}); err == nil {
				if err = s.Start(); err == nil {
					fmt.Println("serving", s.Target())
					err = s.Join()
				}
			}
		}
		fmt.Println("server:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// startChild runs the server of task in a child process and waits for its
// "serving" line; the child is killed at the end of the test.
func startChild(t *testing.T, addrs []string, task Task) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+LocalConfig(addrs, task))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "serving grpc://") {
			t.Fatalf("%s: %s", task, l)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s: no server after 2 minutes", task)
	}
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
