package tfserver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ChildEnv, set to a TF_CONFIG JSON, makes RunChildIfAsked serve that
// task: test binaries call RunChildIfAsked first in TestMain, and
// StartChild re-runs the test binary with it to get a server process.
const ChildEnv = "VOXSIAM_TFSERVER_CHILD"

// ChildCPUsEnv, set to n > 1, gives a child server n CPU devices
// (Options.CPUDevices).
const ChildCPUsEnv = "VOXSIAM_TFSERVER_CHILD_CPUS"

// RunChildIfAsked serves the task of $ChildEnv until the process is killed
// and never returns; without $ChildEnv it returns at once.
func RunChildIfAsked() {
	cfg := os.Getenv(ChildEnv)
	if cfg == "" {
		return
	}
	c, err := Parse([]byte(cfg), ChildEnv)
	if err == nil {
		var s *Server
		cpus, _ := strconv.Atoi(os.Getenv(ChildCPUsEnv))
		if s, err = New(c, Options{IntraOp: 1, InterOp: 1, CPUDevices: cpus}); err == nil {
			if err = s.Start(); err == nil {
				fmt.Println("serving", s.Target())
				err = s.Join()
			}
		}
	}
	fmt.Println("server:", err)
	os.Exit(1)
}

// StartChild starts the server of task (cluster config: LocalConfig(addrs,
// task)) in a child process running this executable (a test binary whose
// TestMain calls RunChildIfAsked) and waits up to timeout for it to
// serve. The caller kills the returned process (Process.Kill + Wait).
func StartChild(addrs []string, task Task, timeout time.Duration) (*exec.Cmd, error) {
	return StartChildJSON(LocalConfig(addrs, task), 1, timeout)
}

// StartChildJSON is StartChild for any TF_CONFIG JSON (its task is served;
// each process of a cluster may get its own, e.g. other tasks' addresses
// behind a proxy) and cpus CPU devices in the child (Options.CPUDevices).
func StartChildJSON(tfConfig string, cpus int, timeout time.Duration) (*exec.Cmd, error) {
	c, err := Parse([]byte(tfConfig), ChildEnv)
	if err != nil {
		return nil, err
	}
	task := c.Task
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), ChildEnv+"="+tfConfig, ChildCPUsEnv+"="+strconv.Itoa(cpus))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case line <- sc.Text():
			default:
			}
		}
	}()
	select {
	case l := <-line:
		if strings.HasPrefix(l, "serving grpc://") {
			return cmd, nil
		}
		err = fmt.Errorf("tfserver: child %s: %s", task, l)
	case <-time.After(timeout):
		err = fmt.Errorf("tfserver: child %s: not serving after %v", task, timeout)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, err
}
