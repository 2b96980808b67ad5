package train

import (
	"fmt"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/graph"
)

// tfNet is the TensorFlow-backed Net: a graph.Train model and its session.
type tfNet struct {
	m    *graph.Model
	sess *tf.Session
	seed bool // the seed loss reads explicit pairs
}

// newTFNet builds the training graph of cfg.Model, opens a session with the
// configured thread pools and initialises the variables. With
// Train.LocalDevices n > 1 the graph has a tower on each of n local
// devices (graph.TowerDevices from [model] device; the variables and the
// loss stay on [model] device, the first tower's) and validation runs on
// the same graph, its batches split across the towers.
func newTFNet(cfg Config) (Net, error) {
	so := graph.SessionOptions{IntraOp: cfg.Train.IntraOp, InterOp: cfg.Train.InterOp}
	var m *graph.Model
	var devs []string
	var err error
	if n := cfg.Train.LocalDevices; n > 1 {
		if devs, err = graph.TowerDevices("", cfg.Model.Device, n); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if strings.HasPrefix(cfg.Model.Device, "/device:CPU:") {
			so.CPUDevices = n
		}
		m, err = graph.BuildTowers(cfg.Model, devs)
	} else {
		m, err = graph.Build(cfg.Model, graph.Train)
	}
	if err != nil {
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

// feeds builds the feed map of x: [n, Frames, Bins] and labels: [n]; pairs
// are fed when the seed loss needs them (b's explicit pairs, or all i<j).
func (t *tfNet) feeds(x []float32, n int, labels []int32, b *Batch) (map[tf.Output]*tf.Tensor, error) {
	c := t.m.Config
	xt, err := tf.NewTensor(x)
	if err != nil {
		return nil, err
	}
	if err := xt.Reshape([]int64{int64(n), int64(c.Frames), int64(c.Bins)}); err != nil {
		return nil, err
	}
	f := map[tf.Output]*tf.Tensor{t.m.Input: xt}
	if labels == nil {
		return f, nil
	}
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

func (t *tfNet) Step(b *Batch, seed [2]int64) (float64, error) {
	f, err := t.feeds(b.X, b.Size, b.Labels, b)
	if err != nil {
		return 0, err
	}
	tr, _ := tf.NewTensor(true)
	sd, _ := tf.NewTensor(seed[:])
	f[t.m.Training], f[t.m.DropoutSeed] = tr, sd
	out, err := t.sess.Run(f, []tf.Output{t.m.Loss}, []*tf.Operation{t.m.TrainOp})
	if err != nil {
		return 0, err
	}
	return scalar(out[0]), nil
}

func (t *tfNet) Infer(x []float32, n int, labels []int32) (InferOut, error) {
	f, err := t.feeds(x, n, labels, nil)
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
