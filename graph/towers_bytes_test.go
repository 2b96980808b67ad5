package graph

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/tfserver"
)

// BenchmarkClusterBytes measures the bytes a training step of the
// reference network (S = 100, batch 100, 40 x 128, BLSTM 256 + 256) moves
// between the tasks of a loopback cluster (a chief and 2 workers, child
// processes, 2 CPU devices each) by putting a counting TCP proxy
// (proxy_test.go) in front of every task's port: each process's TF_CONFIG
// names its own task at its real port and every other task at that
// task's proxy, so all traffic between processes passes a proxy; the
// session's client (this process) reaches the chief through one more. It
// runs b.N steps after a warm-up step (graph registration) with one tower
// per worker, then with two per worker (CPU:0 and CPU:1), each with the
// frames fed by the client and with worker input (BuildWorkerInputTowers:
// the client feeds each tower its store rows, "-winput" below, and every
// worker maps a float32 store of 20,000 frames written by the benchmark),
// and reports per step: "MB/step-tasks" (both directions through the
// tasks' proxies, i.e. what the chief's link carries), "MB/step-client"
// (client <-> chief; in `train --cluster` the client is the chief's own
// process) and "MB/step-computed" (2 x 4 bytes x weights per worker task,
// weights out and the task's summed gradients back, plus the fed inputs
// (frames, or 8 bytes a row with worker input) and the towers' outputs
// and their gradients, docs/results/cluster-traffic.md).
//
//	go test ./graph/ -run '^$' -bench ClusterBytes -benchtime=3x
func BenchmarkClusterBytes(b *testing.B) {
	cfg := Config{Frames: 40, Bins: 128, LSTM1: 256, LSTM2: 256, Speakers: 100, Seed: 1}
	const batch = 100
	ws := benchStore(b, cfg.Bins)
	tasks := []tfserver.Task{{Type: "chief"}, {Type: "worker", Index: 0}, {Type: "worker", Index: 1}}
	real, err := tfserver.FreeLoopbackAddrs(len(tasks))
	if err != nil {
		b.Fatal(err)
	}
	proxies := make([]*countingProxy, len(tasks)+1) // one per task, then the client's
	via := make([]string, len(tasks))
	for i := range proxies {
		target := real[0] // the client's proxy: the chief
		if i < len(tasks) {
			target = real[i]
		}
		if proxies[i], err = startProxy(target); err != nil {
			b.Fatal(err)
		}
		defer proxies[i].Close()
		if i < len(tasks) {
			via[i] = proxies[i].Addr()
		}
	}
	for i, task := range tasks {
		addrs := slices.Clone(via)
		addrs[i] = real[i]
		cmd, err := tfserver.StartChildJSON(tfserver.LocalConfig(addrs, task), 2, 2*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		defer func(cmd *exec.Cmd) { cmd.Process.Kill(); cmd.Wait() }(cmd)
	}
	c := cfg
	c.Device = tasks[0].Device() + "/device:CPU:0"
	for _, v := range []struct {
		perTask int
		winput  bool
	}{{1, false}, {2, false}, {1, true}, {2, true}} {
		perTask := v.perTask
		var devs []string
		for _, w := range tasks[1:] {
			d, err := TowerDevices(w.Device(), "/device:CPU:0", perTask)
			if err != nil {
				b.Fatal(err)
			}
			devs = append(devs, d...)
		}
		var m *Model
		if v.winput {
			m, err = BuildWorkerInputTowers(c, devs, ws)
		} else {
			m, err = BuildTowers(c, devs)
		}
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.NewSession(SessionOptions{Target: "grpc://" + proxies[len(tasks)].Addr(), OperationTimeout: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		run(b, s, nil, nil, m.Init)
		rng := rand.New(rand.NewPCG(1, 2))
		step := func(i int) {
			x, labels := randomBatch(b, m.Config, batch, rng)
			f := map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels, m.Training: mustTensor(b, true),
				m.DropoutSeed: mustTensor(b, []int64{1, int64(i)})}
			if v.winput {
				delete(f, m.Input)
				for _, r := range m.TowerRows {
					rows := make([]int64, batch/len(devs))
					for j := range rows {
						rows[j] = rng.Int64N(ws.Rows - int64(cfg.Frames) + 1)
					}
					f[r] = mustTensor(b, rows)
				}
			}
			run(b, s, f, []tf.Output{m.Loss}, m.TrainOp)
		}
		step(0) // warm-up: RegisterGraph sends the partitions' GraphDefs
		tasks0, client0 := proxyBytes(proxies)
		out0, in0 := chiefDirections(proxies[:len(tasks)])
		for i := 0; i < b.N; i++ {
			step(i + 1)
		}
		tasks1, client1 := proxyBytes(proxies)
		out1, in1 := chiefDirections(proxies[:len(tasks)])
		s.Close() // before the servers are killed: closing a session of a dead cluster waits
		weights := 0
		for _, v := range m.Vars {
			if v.Trainable {
				k := 1
				for _, d := range v.Shape {
					k *= int(d)
				}
				weights += k
			}
		}
		inputs := 4 * batch * cfg.Frames * cfg.Bins
		tag := fmt.Sprintf("-%dx%d", len(tasks)-1, perTask)
		if v.winput {
			inputs, tag = 8*batch, tag+"-winput"
		}
		computed := 2*4*weights*(len(tasks)-1) + inputs + 2*4*batch*cfg.Speakers
		n := float64(b.N)
		b.ReportMetric(float64(tasks1-tasks0)/n/1e6, "MB/step-tasks"+tag)
		b.ReportMetric(float64(client1-client0)/n/1e6, "MB/step-client"+tag)
		b.ReportMetric(float64(computed)/1e6, "MB/step-computed"+tag)
		b.Logf("%d workers x %d towers (worker input %v), %d weights: %.0f bytes/step between tasks (%.0f chief -> workers, %.0f workers -> chief), %.0f client <-> chief, computed %d",
			len(tasks)-1, perTask, v.winput, weights, float64(tasks1-tasks0)/n, float64(out1-out0)/n, float64(in1-in0)/n, float64(client1-client0)/n, computed)
	}
}

// benchStore writes a float32 feature store of 100 utterances of 200
// frames of bins N(0,1) values for BenchmarkClusterBytes and returns its
// WorkerStore (the workers, on this machine, map the same file).
func benchStore(b *testing.B, bins int) WorkerStore {
	st, _ := randomStore(b, filepath.Join(b.TempDir(), "feats"), bins, false, 100, 10, func(int) int { return 200 })
	return workerStore(st)
}

// proxyBytes sums both directions of the tasks' proxies (all but the
// last) and of the client's (the last).
func proxyBytes(ps []*countingProxy) (tasks, client int64) {
	for i, p := range ps {
		to, from := p.Bytes()
		if i == len(ps)-1 {
			client = to + from
		} else {
			tasks += to + from
		}
	}
	return tasks, client
}

// chiefDirections splits the tasks' traffic by direction: ps[0] is the
// chief's proxy (workers connect to it: requests in, the chief's tensors
// out), the others the workers' (the chief connects: its requests in,
// the workers' tensors back).
func chiefDirections(ps []*countingProxy) (toWorkers, toChief int64) {
	for i, p := range ps {
		to, from := p.Bytes()
		if i == 0 {
			toWorkers, toChief = toWorkers+from, toChief+to
		} else {
			toWorkers, toChief = toWorkers+to, toChief+from
		}
	}
	return toWorkers, toChief
}
