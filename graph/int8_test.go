package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// TestInt8ProductExact checks int8Product against integer arithmetic: the
// activations a = k/2 (k integers in [-127, 127], max |a| = 63.5 in every
// row, so each row's dynamic scale is 0.5 and a/scale = k exactly) times an int8 kernel q
// with column scales s must give sum_i k_i q_ij * 0.5 * s_j, exact up to
// float32 rounding of the result (the int32 sums are below 2^24).
func TestInt8ProductExact(t *testing.T) {
	const m, k, n = 5, 64, 7
	rng := rand.New(rand.NewPCG(4, 4))
	g := tf.NewGraph()
	b := &builder{cfg: Config{Precision: "int8"}, g: g, root: op.NewScopeWithGraph(g), dt: tf.Float}
	w := b.kernelVar("k", []int64{k, n}, nil)
	kq, ok := b.int8Of(w)
	if !ok {
		t.Fatal("int8 kernelVar has no int8 form")
	}
	a := op.Placeholder(b.root.SubScope("a"), tf.Float)
	u, sa := b.quantizeActs(b.root.SubScope("quantize"), a, 0)
	y := b.int8Product(b.root.SubScope("product"), u, kq, int8Scale(b.root, kq, sa))
	if err := b.root.Err(); err != nil {
		t.Fatal(err)
	}
	ints := make([][]int32, m)
	av := make([][]float32, m)
	for i := range av {
		ints[i], av[i] = make([]int32, k), make([]float32, k)
		for j := range av[i] {
			ints[i][j] = int32(rng.IntN(255)) - 127
			av[i][j] = float32(ints[i][j]) / 2
		}
	}
	for i := range av { // max |a| = 63.5 per row: scale 0.5
		ints[i][i], av[i][i] = 127, 63.5
	}
	q := make([][]int8, k)
	for i := range q {
		q[i] = make([]int8, n)
		for j := range q[i] {
			q[i][j] = int8(rng.IntN(255) - 127)
		}
	}
	s := make([]float32, n)
	for j := range s {
		s[j] = float32(0.001 * float64(j+1))
	}
	sess, err := tf.NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	feeds := map[tf.Output]*tf.Tensor{b.vars[0].initValue: mustTensor(t, q), b.vars[1].initValue: mustTensor(t, s)}
	run(t, sess, feeds, nil, b.vars[0].Initializer, b.vars[1].Initializer)
	got := run(t, sess, map[tf.Output]*tf.Tensor{a: mustTensor(t, av)}, []tf.Output{y})[0].Value().([][]float32)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc int64
			for l := 0; l < k; l++ {
				acc += int64(ints[i][l]) * int64(q[l][j])
			}
			want := float64(acc) * 0.5 * float64(s[j])
			if d := math.Abs(float64(got[i][j]) - want); d > 1e-6*math.Abs(want)+1e-9 {
				t.Errorf("y[%d][%d] = %g, want %g (int32 sum %d)", i, j, got[i][j], want, acc)
			}
		}
	}
}

// TestInt8GraphUsesInt8Products checks that the int8 Inference graph's
// products are int8 ones: no float MatMul left, one
// QuantizedMatMulWithBias per LSTM step and direction and per dense layer
// in each of its two towers.
func TestInt8GraphUsesInt8Products(t *testing.T) {
	cfg := precisionConfig()
	cfg.Precision = "int8"
	m, err := Build(cfg, Inference)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, o := range m.Graph.Operations() {
		n[o.Type()]++
	}
	want := 2 * (4*m.Config.Frames + 3)
	if n["MatMul"] != 0 || n["QuantizedMatMulWithBias"] != want {
		t.Errorf("int8 graph: %d MatMul, %d QuantizedMatMulWithBias; want 0 and %d", n["MatMul"], n["QuantizedMatMulWithBias"], want)
	}
}

// TestInt8WeightsChangeAfterRun checks that an int8 session reads its
// weights at every run: after a first run, new weights (SetFloatWeights)
// must give the embeddings a fresh session gives with them, so no kernel
// keeps the first run's weights in a cache.
func TestInt8WeightsChangeAfterRun(t *testing.T) {
	cfg := precisionConfig()
	cfg.Precision = "int8"
	x, _ := randomBatch(t, cfg.WithDefaults(), 4, rand.New(rand.NewPCG(5, 5)))
	fp := cfg
	fp.Precision = "fp32"
	fm, fs := session(t, fp, Inference)
	w1, err := fm.Weights(fs)
	if err != nil {
		t.Fatal(err)
	}
	fp.Seed++
	fm2, fs2 := session(t, fp, Inference)
	w2, err := fm2.Weights(fs2)
	if err != nil {
		t.Fatal(err)
	}
	embed := func(m *Model, s *tf.Session) [][]float32 {
		return run(t, s, map[tf.Output]*tf.Tensor{m.Input: x}, []tf.Output{m.Embedding})[0].Value().([][]float32)
	}
	m, s := session(t, cfg, Inference)
	if err := m.SetFloatWeights(s, w1); err != nil {
		t.Fatal(err)
	}
	first := embed(m, s)
	if err := m.SetFloatWeights(s, w2); err != nil {
		t.Fatal(err)
	}
	second := embed(m, s)
	mf, sf := session(t, cfg, Inference)
	if err := mf.SetFloatWeights(sf, w2); err != nil {
		t.Fatal(err)
	}
	fresh := embed(mf, sf)
	for i := range fresh {
		for j := range fresh[i] {
			if second[i][j] != fresh[i][j] {
				t.Fatalf("embedding [%d][%d] after new weights %g, fresh session %g (first weights gave %g)", i, j, second[i][j], fresh[i][j], first[i][j])
			}
		}
	}
}

// TestFloatInt8BuildsFloatProducts checks ExportOptions.FloatInt8's
// graph: the int8 variables stay, the products are float32 MatMuls of the
// dequantised kernels and no QuantizedMatMulWithBias or qint8 tensor is
// left for a converter to reject.
func TestFloatInt8BuildsFloatProducts(t *testing.T) {
	cfg := precisionConfig()
	cfg.Precision = "int8"
	m, err := build(cfg, Inference, nil, nil, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	n, qint := map[string]int{}, 0
	for _, o := range m.Graph.Operations() {
		n[o.Type()]++
		for i := 0; i < o.NumOutputs(); i++ {
			if dt := o.Output(i).DataType(); dt == tf.Qint8 || dt == tf.Quint8 || dt == tf.Qint32 {
				qint++
			}
		}
	}
	int8s := 0
	for _, v := range m.Vars {
		if v.DType == tf.Int8 {
			int8s++
		}
	}
	if n["QuantizedMatMulWithBias"] != 0 || qint != 0 || n["MatMul"] == 0 || int8s != 11 {
		t.Errorf("FloatInt8 graph: %d QuantizedMatMulWithBias, %d quantised-type outputs, %d MatMul, %d int8 variables; want 0, 0, > 0, 11",
			n["QuantizedMatMulWithBias"], qint, n["MatMul"], int8s)
	}
}
