package graph

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/voxsiam/voxsiam/tools/store"
)

// testStore writes a feature store of 5 utterances (20 to 36 frames of
// bins N(0,1) values) into dir and returns it opened and every frame as
// read by the store ([NumFrames, bins] float32).
func testStore(t *testing.T, dir string, bins int, float16 bool) (*store.Store, []float32) {
	return randomStore(t, dir, bins, float16, 5, 3, func(u int) int { return 20 + 4*u })
}

// randomStore writes a feature store of n utterances into dir (utterance
// u: speaker s<u%speakers>, frames(u) frames of bins N(0,1) values) and
// returns it opened (closed at the end of the test) and every frame as
// read by the store ([NumFrames, bins] float32).
func randomStore(tb testing.TB, dir string, bins int, float16 bool, n, speakers int, frames func(u int) int) (*store.Store, []float32) {
	tb.Helper()
	w, err := store.Create(dir, store.Options{NMels: bins, Float16: float16, FeatureConfig: map[string]int{"n_mels": bins}})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 9))
	for u := 0; u < n; u++ {
		sp := fmt.Sprintf("s%d", u%speakers)
		w.SetGroup(sp, sp)
		fr := make([]float32, frames(u)*bins)
		for i := range fr {
			fr[i] = float32(rng.NormFloat64())
		}
		if err := w.Add(store.Utterance{ID: fmt.Sprintf("u%d", u), Speaker: sp, Source: "x.wav", Duration: 0.2}, fr); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	var all, buf []float32
	for _, u := range st.Utterances() {
		buf = st.Frames(u, buf)
		all = append(all, buf...)
	}
	return st, all
}

// workerStore is the WorkerStore of st.
func workerStore(st *store.Store) WorkerStore {
	return WorkerStore{Frames: filepath.Join(st.Dir(), store.FramesFile), Rows: st.NumFrames(), Float16: st.Float16(), Header: st.DataOffset()}
}

// storeBatches draws steps batches of n segments of frames rows each at
// random rows of the store: the rows and the frames they hold.
func storeBatches(all []float32, cfg Config, steps, n int) (rows [][]int64, xs [][]float32) {
	rng := rand.New(rand.NewPCG(3, 4))
	total := len(all) / cfg.Bins
	for s := 0; s < steps; s++ {
		r := make([]int64, n)
		var x []float32
		for j := range r {
			r[j] = int64(rng.IntN(total - cfg.Frames + 1))
			x = append(x, all[int(r[j])*cfg.Bins:(int(r[j])+cfg.Frames)*cfg.Bins]...)
		}
		rows, xs = append(rows, r), append(xs, x)
	}
	return rows, xs
}

// frameTensor is x as a [len(x)/(Frames*Bins), Frames, Bins] tensor.
func frameTensor(t *testing.T, cfg Config, x []float32) *tf.Tensor {
	t.Helper()
	xt := mustTensor(t, x)
	if err := xt.Reshape([]int64{int64(len(x) / (cfg.Frames * cfg.Bins)), int64(cfg.Frames), int64(cfg.Bins)}); err != nil {
		t.Fatal(err)
	}
	return xt
}

// stepLosses runs one Adam step per batch (dropout on, seed [7, step])
// with the inputs feed(step) adds and returns the losses.
func stepLosses(t *testing.T, m *Model, s *tf.Session, steps, n int, feed func(step int, f map[tf.Output]*tf.Tensor)) []float64 {
	t.Helper()
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(i % m.Config.Speakers)
	}
	var losses []float64
	for step := 0; step < steps; step++ {
		f := map[tf.Output]*tf.Tensor{m.Labels: mustTensor(t, labels), m.Training: mustTensor(t, true),
			m.DropoutSeed: mustTensor(t, []int64{7, int64(step)})}
		feed(step, f)
		out := run(t, s, f, []tf.Output{m.Loss}, m.TrainOp)
		losses = append(losses, float64(out[0].Value().(float32)))
	}
	return losses
}

// TestWorkerInputTowers: two towers on two local CPU devices that read
// their rows from a float32 or float16 store (BuildWorkerInputTowers, fed
// the rows) give the losses of the same towers fed the frames (BuildTowers)
// and of one tower (Build), 4 Adam steps of 8 segments, same seed, within
// TestTowersMatchOneProcess's tolerance (1e-5 relative). Fed frames at
// TowerInputs in blocks of ceil(n/2) rows (what validation does) give the
// one-tower distribution for 3 and 1 rows.
func TestWorkerInputTowers(t *testing.T) {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11}
	const steps, batch = 4, 8
	devs, err := TowerDevices("", "/device:CPU:0", 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, f16 := range []bool{false, true} {
		t.Run(fmt.Sprintf("float16=%v", f16), func(t *testing.T) {
			st, all := testStore(t, filepath.Join(t.TempDir(), "feats"), cfg.Bins, f16)
			rows, xs := storeBatches(all, cfg, steps, batch)
			fedX := func(m *Model) func(int, map[tf.Output]*tf.Tensor) {
				return func(step int, f map[tf.Output]*tf.Tensor) { f[m.Input] = frameTensor(t, cfg, xs[step]) }
			}
			m1, s1 := session(t, cfg, Train)
			want := stepLosses(t, m1, s1, steps, batch, fedX(m1))

			mf, err := BuildTowers(cfg, devs)
			if err != nil {
				t.Fatal(err)
			}
			sf := initSession(t, mf, SessionOptions{IntraOp: 1, InterOp: 2, CPUDevices: 2})
			fed := stepLosses(t, mf, sf, steps, batch, fedX(mf))

			m, err := BuildWorkerInputTowers(cfg, devs, workerStore(st))
			if err != nil {
				t.Fatal(err)
			}
			for i, in := range m.TowerInputs {
				if in.Op.Name() != fmt.Sprintf("towers/tower%d/input", i) || m.TowerRows[i].Op.Name() != fmt.Sprintf("towers/tower%d/rows", i) || in.Op.Device() != devs[i] {
					t.Errorf("tower %d: input %s on %q, rows %s; want towers/tower%d/{input,rows} on %s", i, in.Op.Name(), in.Op.Device(), m.TowerRows[i].Op.Name(), i, devs[i])
				}
			}
			s := initSession(t, m, SessionOptions{IntraOp: 1, InterOp: 2, CPUDevices: 2})
			got := stepLosses(t, m, s, steps, batch, func(step int, f map[tf.Output]*tf.Tensor) {
				half := batch / 2
				f[m.TowerRows[0]], f[m.TowerRows[1]] = mustTensor(t, rows[step][:half]), mustTensor(t, rows[step][half:])
			})
			t.Log("fed frames:")
			compareLosses(t, want, fed)
			t.Log("worker input:")
			compareLosses(t, want, got)

			for _, n := range []int{3, 1} {
				x := xs[0][:n*cfg.Frames*cfg.Bins]
				d1 := run(t, s1, map[tf.Output]*tf.Tensor{m1.Input: frameTensor(t, cfg, x)}, []tf.Output{m1.Distribution})[0].Value().([][]float32)
				q := (n + 1) / 2
				size := cfg.Frames * cfg.Bins
				f := map[tf.Output]*tf.Tensor{m.TowerInputs[0]: frameTensor(t, cfg, x[:q*size]), m.TowerInputs[1]: frameTensor(t, cfg, x[q*size:])}
				d2 := run(t, s, f, []tf.Output{m.Distribution})[0].Value().([][]float32)
				if diff := cmp.Diff(d1, d2, cmpopts.EquateApprox(1e-5, 1e-7)); diff != "" {
					t.Errorf("%d rows fed at the tower inputs: distribution differs from one tower (-want +got):\n%s", n, diff)
				}
			}
		})
	}
}

// TestWorkerInputShortFile: towers over a frames file shorter than the
// store's rows need fail their step with ImmutableConst's error (an
// internal error naming the region's length and the bytes asked for); a
// header that is not a multiple of the element size is refused when the
// graph is built.
func TestWorkerInputShortFile(t *testing.T) {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11}
	dir := t.TempDir()
	st, _ := testStore(t, filepath.Join(dir, "feats"), cfg.Bins, false)
	ws := workerStore(st)
	short := filepath.Join(dir, "short.npy")
	copyFile(t, ws.Frames, short, -4)
	ws.Frames = short
	devs, _ := TowerDevices("", "/device:CPU:0", 2)
	m, err := BuildWorkerInputTowers(cfg, devs, ws)
	if err != nil {
		t.Fatal(err)
	}
	s := initSession(t, m, SessionOptions{IntraOp: 1, InterOp: 2, CPUDevices: 2})
	_, err = s.Run(map[tf.Output]*tf.Tensor{m.TowerRows[0]: mustTensor(t, []int64{0}), m.TowerRows[1]: mustTensor(t, []int64{1}),
		m.Labels: mustTensor(t, []int32{0, 1})}, []tf.Output{m.Loss}, nil)
	t.Logf("step over a short frames file: %v", err)
	want := fmt.Sprintf("Readonly memory region has wrong length (%d) when allocating %d", ws.Bytes(cfg.Bins)-4, ws.Bytes(cfg.Bins))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("step over a short frames file: %v; want an error with %q", err, want)
	}
	ws.Header = 126
	if _, err := BuildWorkerInputTowers(cfg, devs, ws); err == nil || !strings.Contains(err.Error(), "header of 126 bytes") {
		t.Errorf("header of 126 bytes: %v", err)
	}
}

// copyFile copies src to dst, cut by -cut bytes when cut < 0.
func copyFile(t *testing.T, src, dst string, cut int) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b[:len(b)+min(cut, 0)], 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWorkerInputGPUPlacement: with towers on a worker's GPU:0 and GPU:1,
// every op of the towers' inputs ("towers/tower<i>/...") asks for the
// worker's CPU:0, the towers' own ops for their GPUs, and no gradient op
// belongs to the inputs (built only: no GPU here).
func TestWorkerInputGPUPlacement(t *testing.T) {
	cfg := tinyConfig("float32")
	cfg.Device = "/job:chief/replica:0/task:0/device:CPU:0"
	devs, err := TowerDevices("/job:worker/replica:0/task:1", "/device:GPU:0", 2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildWorkerInputTowers(cfg, devs, WorkerStore{Frames: "/data/feats/frames.npy", Rows: 1000, Header: 128})
	if err != nil {
		t.Fatal(err)
	}
	cpu := "/job:worker/replica:0/task:1/device:CPU:0"
	count := map[string]int{}
	for _, o := range m.Graph.Operations() {
		name := o.Name()
		switch {
		case strings.HasPrefix(name, "towers/tower"):
			if o.Device() != cpu {
				t.Errorf("input op %s on %q, want %q", name, o.Device(), cpu)
			}
			count[o.Type()]++
		case strings.HasPrefix(name, "tower0/") && o.Device() != devs[0], strings.HasPrefix(name, "tower1/") && o.Device() != devs[1]:
			t.Errorf("tower op %s on %q", name, o.Device())
		case strings.HasPrefix(name, "gradients") && strings.Contains(name, "towers/tower"):
			t.Errorf("gradient op %s of a tower input", name)
		}
	}
	t.Logf("input ops by type: %v", count)
	if count["ImmutableConst"] != 2 || count["GatherV2"] != 2 || count["Placeholder"] != 2 || count["Cast"] != 0 {
		t.Errorf("input ops %v: want one ImmutableConst, GatherV2 and rows Placeholder per tower, no Cast (float32 store)", count)
	}
	if InputDevice("/device:GPU:1") != "/device:CPU:0" || InputDevice("/device:CPU:1") != "/device:CPU:1" {
		t.Errorf("InputDevice: GPU:1 -> %q, CPU:1 -> %q", InputDevice("/device:GPU:1"), InputDevice("/device:CPU:1"))
	}
}
