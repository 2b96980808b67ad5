package train

import (
	"fmt"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/tools/store"
)

// tfNet is the TensorFlow-backed Net: a graph.Train model and its session.
type tfNet struct {
	m        *graph.Model
	sess     *tf.Session
	seed     bool    // the seed loss reads explicit pairs
	gradNorm float64 // the last Step's global gradient norm (before clipping)
	distill  float64 // the last Step's distillation term (teacher.go)
}

// newTFNet builds the training graph of cfg.Model, opens a session with the
// configured thread pools and initialises the variables. With
// Train.LocalDevices n > 1 the graph has a tower on each of n local
// devices (graph.TowerDevices from [model] device; the variables and the
// loss stay on [model] device, the first tower's) and validation runs on
// the same graph, its batches split across the towers. With worker input
// (Config.WorkerInput) the towers read their rows from [train]
// worker_store, checked against st, the chief's store, first.
func newTFNet(cfg Config, st *store.Store) (Net, error) {
	winput, err := cfg.WorkerInput(false)
	if err != nil {
		return nil, err
	}
	so := graph.SessionOptions{IntraOp: cfg.Train.IntraOp, InterOp: cfg.Train.InterOp}
	var m *graph.Model
	var devs []string
	var ws graph.WorkerStore
	var wsDir string
	if n := cfg.Train.LocalDevices; n > 1 {
		if devs, err = graph.TowerDevices("", cfg.Model.Device, n); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if strings.HasPrefix(cfg.Model.Device, "/device:CPU:") {
			so.CPUDevices = n
		}
		if m, ws, wsDir, err = buildTowers(cfg, st, cfg.Model, devs, winput); err != nil {
			return nil, err
		}
	} else if m, err = graph.Build(cfg.Model, graph.Train); err != nil {
		return nil, fmt.Errorf("train: build graph: %w", err)
	}
	sess, err := m.NewSession(so)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := checkDevices(sess, devs, "this machine"); err != nil {
		sess.Close()
		return nil, err
	}
	if winput {
		here := "/device:CPU:0"
		if err := checkStoreCopies(so, ws, cfg.Model.Bins, storeCopy{"chief", here, cfg.Data.Store}, []storeCopy{{"this process", here, wsDir}}); err != nil {
			sess.Close()
			return nil, err
		}
	}
	if _, err := sess.Run(nil, nil, []*tf.Operation{m.Init}); err != nil {
		sess.Close()
		return nil, fmt.Errorf("train: init variables: %w", err)
	}
	return &tfNet{m: m, sess: sess, seed: m.Config.Loss == "seed"}, nil
}

// checkDevices returns an error naming the first tower device the
// session does not have: with soft placement TensorFlow would otherwise
// run that tower on another device without a word. A local device
// ("/device:GPU:1") matches the session's own ("/job:localhost/replica:0/
// task:0/device:GPU:1").
func checkDevices(sess *tf.Session, devs []string, where string) error {
	if len(devs) == 0 {
		return nil
	}
	list, err := sess.ListDevices()
	if err != nil {
		return fmt.Errorf("train: list devices: %w", err)
	}
	names := make([]string, len(list))
	for i, d := range list {
		names[i] = d.Name
	}
	for _, want := range devs {
		found := false
		for _, n := range names {
			found = found || n == want || (strings.HasPrefix(want, "/device:") && strings.HasSuffix(n, want))
		}
		if !found {
			return fmt.Errorf("train: tower device %s does not exist on %s (devices: %s): fewer GPUs than local_devices, or a worker started without `voxsiam server --cpu-devices N` for CPU towers",
				want, where, strings.Join(names, ", "))
		}
	}
	return nil
}

// feeds builds the feed map of the labels: [n] (none when nil) and the
// seed loss's pairs (b's explicit pairs, or all i<j).
func (t *tfNet) feeds(labels []int32, b *Batch) (map[tf.Output]*tf.Tensor, error) {
	f := map[tf.Output]*tf.Tensor{}
	if labels == nil {
		return f, nil
	}
	var err error
	add := func(o tf.Output, v any) {
		if err == nil {
			var tt *tf.Tensor
			tt, err = tf.NewTensor(v)
			f[o] = tt
		}
	}
	add(t.m.Labels, labels)
	if t.seed {
		pi, pj, ps := allPairs(labels)
		if b != nil && len(b.PairI) > 0 {
			pi, pj, ps = b.PairI, b.PairJ, b.PairSame
		}
		add(t.m.PairI, pi)
		add(t.m.PairJ, pj)
		add(t.m.PairSame, ps)
	}
	return f, err
}

// feedFrames adds x: [n, Frames, Bins] to f: at "spectrogram", or with
// worker input at the towers' inputs, tower i taking its block of
// towerBlocks(n, towers) rows (the split the graph does of "spectrogram").
func (t *tfNet) feedFrames(f map[tf.Output]*tf.Tensor, x []float32, n int) error {
	c := t.m.Config
	size := c.Frames * c.Bins
	frames := func(x []float32, n int) (*tf.Tensor, error) {
		xt, err := tf.NewTensor(x)
		if err == nil {
			err = xt.Reshape([]int64{int64(n), int64(c.Frames), int64(c.Bins)})
		}
		return xt, err
	}
	if t.m.TowerInputs == nil {
		xt, err := frames(x, n)
		f[t.m.Input] = xt
		return err
	}
	start := 0
	for i, k := range towerBlocks(n, len(t.m.TowerInputs)) {
		xt, err := frames(x[start*size:(start+k)*size], k)
		if err != nil {
			return err
		}
		f[t.m.TowerInputs[i]] = xt
		start += k
	}
	return nil
}

// feedRows adds each tower's block of rows (worker input: the store rows
// its segments start at) to f.
func (t *tfNet) feedRows(f map[tf.Output]*tf.Tensor, rows []int64) error {
	if len(rows) == 0 {
		return fmt.Errorf("train: worker input: the batch has no store rows")
	}
	start := 0
	for i, k := range towerBlocks(len(rows), len(t.m.TowerRows)) {
		rt, err := tf.NewTensor(rows[start : start+k])
		if err != nil {
			return err
		}
		f[t.m.TowerRows[i]] = rt
		start += k
	}
	return nil
}

// allPairs lists every pair i<j of the batch with its same-speaker flag
// (ZHAW create_pairs).
func allPairs(labels []int32) (pi, pj []int32, same []float32) {
	for i := range labels {
		for j := i + 1; j < len(labels); j++ {
			pi, pj = append(pi, int32(i)), append(pj, int32(j))
			s := float32(0)
			if labels[i] == labels[j] {
				s = 1
			}
			same = append(same, s)
		}
	}
	return pi, pj, same
}

// FeedsRows tells whether Step feeds the batch's store rows (worker input).
func (t *tfNet) FeedsRows() bool { return t.m.TowerRows != nil }

// Step feeds b's frames, or with worker input its rows (the towers read
// the frames themselves), and runs one update.
func (t *tfNet) Step(b *Batch, seed [2]int64) (float64, error) {
	f, err := t.feeds(b.Labels, b)
	if err == nil && t.m.TowerRows != nil {
		err = t.feedRows(f, b.Rows)
	} else if err == nil {
		err = t.feedFrames(f, b.X, b.Size)
	}
	if err != nil {
		return 0, err
	}
	if err == nil {
		err = t.feedTeacher(f, b.Teacher, b.TeacherMask, b.Size)
	}
	if err != nil {
		return 0, err
	}
	tr, _ := tf.NewTensor(true)
	sd, _ := tf.NewTensor(seed[:])
	f[t.m.Training], f[t.m.DropoutSeed] = tr, sd
	fetch := []tf.Output{t.m.Loss, t.m.GradNorm}
	if t.m.DistillLoss.Op != nil {
		fetch = append(fetch, t.m.DistillLoss)
	}
	out, err := t.sess.Run(f, fetch, []*tf.Operation{t.m.TrainOp})
	if err != nil {
		return 0, err
	}
	t.gradNorm = scalar(out[1])
	if len(out) > 2 {
		t.distill = scalar(out[2])
	}
	return scalar(out[0]), nil
}

// feedTeacher adds the teacher rows [n, D] and mask [n] of a distillation
// graph to f (nothing when the graph has none); nil rows feed zeros with
// mask 0 (validation batches: the term is 0 there).
func (t *tfNet) feedTeacher(f map[tf.Output]*tf.Tensor, rows, mask []float32, n int) error {
	if t.m.Teacher.Op == nil {
		return nil
	}
	d := t.m.Config.TeacherDim
	if rows == nil {
		rows, mask = make([]float32, n*d), make([]float32, n)
	}
	if len(rows) != n*d || len(mask) != n {
		return fmt.Errorf("train: teacher rows: %d values and %d mask entries for %d segments of dimension %d", len(rows), len(mask), n, d)
	}
	rt, err := tf.NewTensor(rows)
	if err == nil {
		err = rt.Reshape([]int64{int64(n), int64(d)})
	}
	if err != nil {
		return err
	}
	mt, err := tf.NewTensor(mask)
	f[t.m.Teacher], f[t.m.TeacherMask] = rt, mt
	return err
}

// DistillLoss is the last Step's distillation term (before its weight).
func (t *tfNet) DistillLoss() float64 { return t.distill }

// HasDistill tells whether the graph has a distillation term.
func (t *tfNet) HasDistill() bool { return t.m.DistillLoss.Op != nil }

// GradNorm is the global L2 norm of the last Step's gradients, before
// clipping ([model] clip_norm).
func (t *tfNet) GradNorm() float64 { return t.gradNorm }

func (t *tfNet) Infer(x []float32, n int, labels []int32) (InferOut, error) {
	f, err := t.feeds(labels, nil)
	if err == nil {
		err = t.feedFrames(f, x, n)
	}
	if err == nil && labels != nil {
		err = t.feedTeacher(f, nil, nil, n)
	}
	if err != nil {
		return InferOut{}, err
	}
	fetch := []tf.Output{t.m.Embedding, t.m.Distribution}
	if labels != nil {
		fetch = append(fetch, t.m.Loss)
	}
	out, err := t.sess.Run(f, fetch, nil)
	if err != nil {
		return InferOut{}, err
	}
	var o InferOut
	o.Emb, o.EmbDim = flatten2(out[0])
	o.Dist, o.DistDim = flatten2(out[1])
	if labels != nil {
		o.Loss = scalar(out[2])
	}
	return o, nil
}

func (t *tfNet) GlobalStep() (int64, error) {
	out, err := t.sess.Run(nil, []tf.Output{t.m.GlobalStep}, nil)
	if err != nil {
		return 0, err
	}
	return out[0].Value().(int64), nil
}

func (t *tfNet) Save(prefix string) error    { return t.m.Save(t.sess, prefix) }
func (t *tfNet) Restore(prefix string) error { return t.m.Restore(t.sess, prefix) }
func (t *tfNet) Close() error                { return t.sess.Close() }

// scalar reads a float32 or float64 scalar tensor.
func scalar(t *tf.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("train: unexpected scalar %T", t.Value()))
}

// flatten2 returns a [n, d] float tensor as a row-major []float32 and d.
func flatten2(t *tf.Tensor) ([]float32, int) {
	switch v := t.Value().(type) {
	case [][]float32:
		if len(v) == 0 {
			return nil, 0
		}
		out := make([]float32, 0, len(v)*len(v[0]))
		for _, r := range v {
			out = append(out, r...)
		}
		return out, len(v[0])
	case [][]float64:
		if len(v) == 0 {
			return nil, 0
		}
		out := make([]float32, 0, len(v)*len(v[0]))
		for _, r := range v {
			for _, x := range r {
				out = append(out, float32(x))
			}
		}
		return out, len(v[0])
	}
	panic(fmt.Sprintf("train: unexpected [n,d] tensor %T", t.Value()))
}
