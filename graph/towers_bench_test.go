package graph

import (
	"math/rand/v2"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/internal/tfserver"
)

// BenchmarkClusterStep measures a training step of the reference network
// (S = 100, batch 100, 40 x 128, BLSTM 256 + 256) in one process against
// the same step on a loopback cluster of a chief and 2 workers (towers of
// 50 segments, each worker 1 intra- and 1 inter-op thread; the one process
// gets 2 + 2), alternating the two, and reports seconds per step of each,
// and their ratio (cluster / one process: the runtime's overhead on one
// host). Bytes per step: BenchmarkClusterBytes (a counting proxy; gRPC
// moves them with sendmsg/recvmsg, which /proc/<pid>/io's rchar/wchar do
// not count: a first version read them and got 0).
//
//	go test ./graph/ -run '^$' -bench ClusterStep -benchtime=3x
func BenchmarkClusterStep(b *testing.B) {
	cfg := Config{Frames: 40, Bins: 128, LSTM1: 256, LSTM2: 256, Speakers: 100, Seed: 1}
	const batch = 100
	m1, err := Build(cfg, Train)
	if err != nil {
		b.Fatal(err)
	}
	s1 := towerBenchSession(b, m1, SessionOptions{IntraOp: 2, InterOp: 2})
	addrs, err := tfserver.FreeLoopbackAddrs(3)
	if err != nil {
		b.Fatal(err)
	}
	tasks := []tfserver.Task{{Type: "chief"}, {Type: "worker", Index: 0}, {Type: "worker", Index: 1}}
	for _, task := range tasks {
		cmd, err := tfserver.StartChild(addrs, task, 2*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
	}
	c := cfg
	c.Device = tasks[0].Device() + "/device:CPU:0"
	m2, err := BuildTowers(c, []string{tasks[1].Device() + "/device:CPU:0", tasks[2].Device() + "/device:CPU:0"})
	if err != nil {
		b.Fatal(err)
	}
	s2, err := m2.NewSession(SessionOptions{Target: "grpc://" + addrs[0], OperationTimeout: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	defer s2.Close() // before the servers are killed: closing a session of a dead cluster waits
	run(b, s2, nil, nil, m2.Init)
	rng := rand.New(rand.NewPCG(1, 2))
	step := func(m *Model, s *tf.Session, i int) time.Duration {
		x, labels := randomBatch(b, m.Config, batch, rng)
		t0 := time.Now()
		run(b, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels, m.Training: mustTensor(b, true),
			m.DropoutSeed: mustTensor(b, []int64{1, int64(i)})}, []tf.Output{m.Loss}, m.TrainOp)
		return time.Since(t0)
	}
	step(m1, s1, 0) // warm-up: graph registration, first allocations
	step(m2, s2, 0)
	var t1, t2 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t1 += step(m1, s1, i+1)
		t2 += step(m2, s2, i+1)
	}
	b.StopTimer()
	b.ReportMetric(t1.Seconds()/float64(b.N), "s/step-1proc")
	b.ReportMetric(t2.Seconds()/float64(b.N), "s/step-2workers")
	b.ReportMetric(t2.Seconds()/t1.Seconds(), "cluster/1proc")
}

func towerBenchSession(b *testing.B, m *Model, o SessionOptions) *tf.Session {
	b.Helper()
	s, err := m.NewSession(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	run(b, s, nil, nil, m.Init)
	return s
}
