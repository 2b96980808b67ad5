package train

import (
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/tfserver"
	"github.com/voxsiam/voxsiam/tools/store"
)

// ClusterOptions run training on a TensorFlow cluster (synchronous data
// parallelism, graph.BuildTowers): this process is the chief; it serves
// its task, waits for the workers' servers (`voxsiam server`), builds one
// tower per worker task and runs the loop against its own server.
type ClusterOptions struct {
	Cluster tfserver.Config // TF_CONFIG; Cluster.Task must be the chief ("chief", index 0)
	// Wait bounds the wait for every worker's server to accept
	// connections. Default 5 minutes.
	Wait time.Duration
	// OpTimeout bounds every TensorFlow run, so a step waiting on a dead
	// task fails instead of hanging. Default 10 minutes.
	OpTimeout time.Duration
	Log       io.Writer // waiting notes; nil discards them
	// OnLost, when set, is called (from another goroutine) when a worker's
	// port has refused connections for two probes 2 s apart while a run
	// is in progress. The binding cannot cancel a run; TensorFlow ended the
	// runs that met a killed worker with an error in the tests, and this
	// is the guard for one that would not (the CLI reports the task and
	// exits; checkpoints are written atomically, the last one stays
	// intact). nil: wait for the run.
	OnLost func(error)
}

func (o ClusterOptions) withDefaults() ClusterOptions {
	if o.Wait <= 0 {
		o.Wait = 5 * time.Minute
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 10 * time.Minute
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// RunCluster is Run on a cluster. The run directory, checkpoints and
// metrics are those of a one-process run: Resume continues it in one
// process and ResumeCluster continues a one-process run on a cluster.
func RunCluster(ctx context.Context, cfg Config, runDir string, out io.Writer, co ClusterOptions) error {
	return run(ctx, cfg, runDir, out, false, clusterNetFactory(co))
}

// ResumeCluster is Resume on a cluster.
func ResumeCluster(ctx context.Context, runDir string, cfg *Config, out io.Writer, co ClusterOptions) error {
	return resumeWith(ctx, runDir, cfg, out, clusterNetFactory(co))
}

// clusterNet steps the towered graph and runs validation (Infer) on a
// one-tower graph on the chief that shares its variables (same
// shared_name on the chief's device, sessions of one master).
type clusterNet struct {
	*tfNet
	infer *tfNet
	co    ClusterOptions
}

func clusterNetFactory(co ClusterOptions) netFactory {
	co = co.withDefaults()
	return func(cfg Config, st *store.Store) (Net, error) { return newClusterNet(cfg, st, co) }
}

// newClusterNet starts the chief's server, waits for the workers, builds
// the towers (reading their rows on the workers with worker input, after
// checking every worker's copy of the store against st) and the one-tower
// validation graph, and initialises the variables.
func newClusterNet(cfg Config, st *store.Store, co ClusterOptions) (Net, error) {
	c := co.Cluster
	workers := c.Tasks("worker")
	perTask := max(cfg.Train.LocalDevices, 1)
	winput, err := cfg.WorkerInput(true)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Task != (tfserver.Task{Type: "chief", Index: 0}):
		return nil, fmt.Errorf("train: %s: this process runs task %s; `train --cluster` runs the chief (task chief:0), the workers run `voxsiam server`", c.Source, c.Task)
	case len(workers) == 0:
		return nil, fmt.Errorf("train: %s: no \"worker\" job: the towers run on worker tasks", c.Source)
	case cfg.Train.Batch%(len(workers)*perTask) != 0:
		return nil, fmt.Errorf("train: batch %d is not a multiple of the %d towers (%d workers x %d local devices; each tower takes an equal share)",
			cfg.Train.Batch, len(workers)*perTask, len(workers), perTask)
	}
	devs, err := clusterTowers(workers, cfg.Model.Device, perTask)
	if err != nil {
		return nil, err
	}
	srv, err := tfserver.New(c, tfserver.Options{IntraOp: cfg.Train.IntraOp, InterOp: cfg.Train.InterOp})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	if err := waitForTasks(c, workers, co); err != nil {
		return nil, err
	}
	mc := cfg.Model
	mc.Device = c.Task.Device() + "/device:CPU:0"
	so := graph.SessionOptions{Target: srv.Target(), OperationTimeout: co.OpTimeout}
	m, ws, wsDir, err := buildTowers(cfg, st, mc, devs, winput)
	if err != nil {
		return nil, err
	}
	sess, err := m.NewSession(so)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := checkDevices(sess, devs, "the cluster"); err != nil {
		sess.Close()
		return nil, err
	}
	if winput {
		copies := make([]storeCopy, len(workers))
		for i, w := range workers {
			copies[i] = storeCopy{w.String(), w.Device() + "/device:CPU:0", wsDir}
		}
		if err := checkStoreCopies(so, ws, mc.Bins, storeCopy{c.Task.String(), mc.Device, cfg.Data.Store}, copies); err != nil {
			sess.Close()
			return nil, err
		}
	}
	if _, err := sess.Run(nil, nil, []*tf.Operation{m.Init}); err != nil {
		sess.Close()
		return nil, taskError(c, fmt.Errorf("train: init variables: %w", err))
	}
	im, err := graph.Build(mc, graph.Train)
	if err != nil {
		sess.Close()
		return nil, fmt.Errorf("train: build graph: %w", err)
	}
	isess, err := im.NewSession(so)
	if err != nil {
		sess.Close()
		return nil, fmt.Errorf("train: %w", err)
	}
	seed := m.Config.Loss == "seed"
	return &clusterNet{tfNet: &tfNet{m: m, sess: sess, seed: seed}, infer: &tfNet{m: im, sess: isess, seed: seed}, co: co}, nil
}

// clusterTowers lists the tower devices of a cluster run: n per worker
// task, on its devices of device's type from its index (graph.TowerDevices;
// "" means "/device:CPU:0", one tower per worker on its CPU).
func clusterTowers(workers []tfserver.Task, device string, n int) ([]string, error) {
	if device == "" {
		device = "/device:CPU:0"
	}
	var devs []string
	for _, w := range workers {
		d, err := graph.TowerDevices(w.Device(), device, n)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		devs = append(devs, d...)
	}
	return devs, nil
}

// waitForTasks waits until every task accepts TCP connections at its
// address, or co.Wait has passed.
func waitForTasks(c tfserver.Config, tasks []tfserver.Task, co ClusterOptions) error {
	deadline := time.Now().Add(co.Wait)
	for _, t := range tasks {
		addr, noted := c.Address(t), false
		for {
			conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err == nil {
				conn.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("train: task %s at %s did not answer within %v (%v): start it with `voxsiam server --cluster <cluster.json> --task %s` (or give --wait more time)",
					t, addr, co.Wait, err, t)
			}
			if !noted {
				fmt.Fprintf(co.Log, "waiting for task %s at %s (up to %v)\n", t, addr, co.Wait)
				noted = true
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	return nil
}

func (n *clusterNet) Step(b *Batch, seed [2]int64) (l float64, err error) {
	n.watch(func() { l, err = n.tfNet.Step(b, seed) })
	return l, n.taskError(err)
}

func (n *clusterNet) Infer(x []float32, k int, labels []int32) (o InferOut, err error) {
	n.watch(func() { o, err = n.infer.Infer(x, k, labels) })
	return o, n.taskError(err)
}

func (n *clusterNet) Save(prefix string) (err error) {
	n.watch(func() { err = n.tfNet.Save(prefix) })
	return n.taskError(err)
}

func (n *clusterNet) Restore(prefix string) (err error) {
	n.watch(func() { err = n.tfNet.Restore(prefix) })
	return n.taskError(err)
}

// watch runs f while probing the workers' ports every 2 s; a worker that
// refuses connections twice in a row is reported to OnLost.
func (n *clusterNet) watch(f func()) {
	if n.co.OnLost == nil {
		f()
		return
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		misses := map[tfserver.Task]int{}
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if t, err := n.lostWorker(); err != nil {
				if misses[t]++; misses[t] >= 2 {
					n.co.OnLost(fmt.Errorf("train: cluster task %s at %s failed or is unreachable during a run (%v); the last checkpoint is intact: restart the task and resume with `train --cluster ... --resume`",
						t, n.co.Cluster.Address(t), err))
					return
				}
			} else {
				clear(misses)
			}
		}
	}()
	f()
	close(done)
}

// lostWorker returns the first worker whose port refuses connections.
func (n *clusterNet) lostWorker() (tfserver.Task, error) {
	c := n.co.Cluster
	for _, t := range c.Tasks("worker") {
		conn, err := net.DialTimeout("tcp", c.Address(t), 5*time.Second)
		if err != nil {
			return t, err
		}
		conn.Close()
	}
	return tfserver.Task{}, nil
}

// taskError names the task behind a failed run: the first worker whose
// port no longer accepts connections (a run waiting on a dead task ends
// with DeadlineExceeded after OpTimeout, which names no task), else the
// task TensorFlow's message names.
func (n *clusterNet) taskError(err error) error {
	if err == nil {
		return nil
	}
	c := n.co.Cluster
	if t, derr := n.lostWorker(); derr != nil {
		return fmt.Errorf("train: cluster task %s at %s failed or is unreachable (%v); the last checkpoint is intact: restart the task and resume with `train --cluster ... --resume`: %w", t, c.Address(t), derr, err)
	}
	return taskError(c, err)
}

// Close closes both sessions, giving up after 30 s: closing a session of
// a cluster with a dead task waits on that task (measured: TF_CloseSession
// did not return in minutes after a worker was killed), and the process
// is about to exit, which releases everything.
func (n *clusterNet) Close() error {
	done := make(chan error, 1)
	go func() {
		n.infer.Close()
		done <- n.tfNet.Close()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		return nil
	}
}

var reTask = regexp.MustCompile(`/job:([a-z][a-z0-9_]*)/replica:\d+/task:(\d+)`)

// taskError names the cluster task a TensorFlow error comes from (the
// first "/job:J/replica:R/task:T" in its message other than the chief)
// at the front of the message.
func taskError(c tfserver.Config, err error) error {
	if err == nil {
		return nil
	}
	for _, m := range reTask.FindAllStringSubmatch(err.Error(), -1) {
		t := m[1] + ":" + m[2]
		if m[1] == "chief" {
			continue
		}
		addr := ""
		for _, task := range c.Tasks(m[1]) {
			if task.String() == t {
				addr = " at " + c.Address(task)
			}
		}
		return fmt.Errorf("train: cluster task %s%s failed or is unreachable: %w", t, addr, err)
	}
	if strings.Contains(err.Error(), "DeadlineExceeded") || strings.Contains(err.Error(), "deadline") {
		return fmt.Errorf("train: a cluster run timed out (a task may be down): %w", err)
	}
	return err
}
