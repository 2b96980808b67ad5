package graph

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestCheckpointResume checks Save/Restore: a restored Train graph has the
// same variables bit for bit (weights, Adam slots, beta powers,
// global_step), the same outputs, and its next step equals the step the
// original session takes (single-threaded sessions, stateless dropout keyed
// by [seed, step]); an Inference graph restored from the Train checkpoint
// gives the same embeddings, and pair_distance(x, x) = 0.
func TestCheckpointResume(t *testing.T) {
	cfg := tinyConfig("float32")
	m, s := session(t, cfg, Train)
	x, lab := randomBatch(t, cfg, 6, rand.New(rand.NewPCG(1, 1)))
	step := func(m *Model, s *tf.Session, n int64) {
		feeds := map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: lab,
			m.Training: mustTensor(t, true), m.DropoutSeed: mustTensor(t, []int64{42, n})}
		run(t, s, feeds, nil, m.TrainOp)
	}
	for i := int64(0); i < 3; i++ {
		step(m, s, i)
	}
	prefix := filepath.Join(t.TempDir(), "ckpt-3")
	if err := m.Save(s, prefix); err != nil {
		t.Fatal(err)
	}
	assertCheckpointFiles(t, prefix)
	saved := weights(t, m, s)
	embA := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x}, []tf.Output{m.Embedding})[0].Value()
	step(m, s, 3)
	want := weights(t, m, s)

	cfg2 := cfg
	cfg2.Seed = 99 // different initial values: everything must come from the checkpoint
	m2, s2 := session(t, cfg2, Train)
	if err := m2.Restore(s2, prefix); err != nil {
		t.Fatal(err)
	}
	if got := weights(t, m2, s2); !reflect.DeepEqual(got, saved) {
		t.Fatal("restored variables differ from the saved ones")
	}
	if gs := run(t, s2, nil, []tf.Output{m2.GlobalStep})[0].Value().(int64); gs != 3 {
		t.Errorf("restored global_step %d, want 3", gs)
	}
	step(m2, s2, 3)
	if got := weights(t, m2, s2); !reflect.DeepEqual(got, want) {
		t.Error("a step after restore differs from a step without save/restore")
	}

	mi, si := session(t, cfg2, Inference)
	if err := mi.Restore(si, prefix); err != nil {
		t.Fatal(err)
	}
	out := run(t, si, map[tf.Output]*tf.Tensor{mi.Input: x, mi.InputB: x}, []tf.Output{mi.Embedding, mi.PairDistance})
	// The Inference graph runs the LSTM batch major, the Train graph feature
	// major (lstm.go): the same function, summed in another order.
	if d := smMaxDiff(out[0].Value().([][]float32), embA.([][]float32)); d > 1e-5 {
		t.Errorf("inference embeddings differ from the train graph's at the checkpoint by %g (> 1e-5)", d)
	}
	for i, d := range out[1].Value().([]float32) {
		if d != 0 {
			t.Errorf("pair_distance(x, x)[%d] = %g, want 0", i, d)
		}
	}
	checkPairDistance(t, mi, si, x)
}

// checkPairDistance compares pair_distance(x, reversed x) with the
// symmetric KL of the two distributions computed in Go (float64), 1e-5.
func checkPairDistance(t *testing.T, m *Model, s *tf.Session, x *tf.Tensor) {
	t.Helper()
	rows := x.Value().([][][]float32)
	rev := make([][][]float32, len(rows))
	for i := range rows {
		rev[i] = rows[len(rows)-1-i]
	}
	y := mustTensor(t, rev)
	out := run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.InputB: y}, []tf.Output{m.PairDistance, m.Distribution})
	p := out[1].Value().([][]float32)
	compared := 0
	for i, d := range out[0].Value().([]float32) {
		want := symKL(p[i], p[len(p)-1-i], m.Config.Epsilon)
		if math.Abs(float64(d)-want) > 1e-5 {
			t.Errorf("pair_distance[%d] = %g, want %g", i, d, want)
		}
		if want > 1e-6 {
			compared++
		}
	}
	if compared == 0 {
		t.Error("all pair distances are ~0: test is vacuous")
	}
}

// weights returns every variable's value as a Go value, keyed by name.
func weights(t *testing.T, m *Model, s *tf.Session) map[string]any {
	t.Helper()
	w, err := m.Weights(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]any, len(w))
	for k, v := range w {
		out[k] = v.Value()
	}
	return out
}

// assertCheckpointFiles checks that Save left exactly the index and data
// file of prefix and no temporary files.
func assertCheckpointFiles(t *testing.T, prefix string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(prefix))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	base := filepath.Base(prefix)
	if want := []string{base + dataSuffix, base + ".index"}; !reflect.DeepEqual(names, want) {
		t.Errorf("checkpoint dir holds %v, want %v", names, want)
	}
}
