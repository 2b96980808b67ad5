package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// towerSlot tells dropout which rows of the global mini-batch a tower
// holds: rows [index*n, (index+1)*n) of count*n, n = the tower's batch.
type towerSlot struct {
	index, count int
}

// towers builds the network once per device of devices (Train mode,
// synchronous data parallelism in one graph): "spectrogram" [batch, Frames,
// Bins] is split into len(devices) row blocks (towerRows: equal when batch
// is a multiple of the tower count, as training needs for dropout masks
// that do not depend on the tower count; any batch runs, so validation
// can use the same graph), block i runs on devices[i] with the shared
// weights (their reads live on Config.Device, the chief), and every layer
// output is concatenated back on Config.Device in row order. The loss is
// then computed there on the concatenated distribution [batch, S]: the
// PKLD term takes all pairs of the global mini-batch, exactly as in one
// process. Its gradient flows back through the concatenation into each
// tower, and the gradient of a weight read is the sum over towers, so one
// Adam update sees the gradient of the global loss.
//
// With a worker store (BuildWorkerInputTowers) tower i takes its input
// from its rows of the store instead of the split (storeInput), and m's
// TowerRows and TowerInputs are set.
func (b *builder) towers(m *Model, w netWeights, devices []string) map[string]tf.Output {
	n := len(devices)
	s := b.root.SubScope("towers")
	var parts []tf.Output
	if b.ws == nil {
		x := m.Input
		parts = op.SplitV(s.SubScope("split"), x, towerRows(s.SubScope("rows"), x, n), op.Const(s.SubScope("axis"), int32(0)), int64(n))
	} else {
		m.TowerRows, m.TowerInputs = make([]tf.Output, n), make([]tf.Output, n)
		for i, dev := range devices {
			m.TowerRows[i], m.TowerInputs[i] = b.storeInput(s.SubScope(fmt.Sprintf("tower%d", i)).WithDevice(InputDevice(dev)))
		}
		parts = m.TowerInputs
	}
	outs := make([]map[string]tf.Output, n)
	root := b.root
	for i, dev := range devices {
		b.root, b.slot = root.WithDevice(dev), &towerSlot{i, n}
		outs[i] = b.tower(fmt.Sprintf("tower%d", i), w, parts[i], m.Training, m.DropoutSeed)
	}
	b.root, b.slot = root, nil
	joined := map[string]tf.Output{}
	for k := range outs[0] {
		xs := make([]tf.Output, n)
		for i := range outs {
			xs[i] = outs[i][k]
		}
		joined[k] = op.ConcatV2(s.SubScope("concat_"+k), xs, op.Const(s.SubScope("concat_axis_"+k), int32(0)))
	}
	return joined
}

// towerRows returns the rows of each of n towers for x: [batch, ...]:
// [n] int32, q = ceil(batch/n) for the first towers, the remainder for the
// next and 0 for any after it (batch 5 on 2 towers: [3 2]; batch 1: [1 0]).
func towerRows(s *op.Scope, x tf.Output, n int) tf.Output {
	batch := op.Slice(s.SubScope("batch"), op.Shape(s.SubScope("shape"), x), op.Const(s.SubScope("zero"), []int32{0}), op.Const(s.SubScope("one"), []int32{1})) // [1]
	q := op.FloorDiv(s.SubScope("q"), add(s, batch, i32(s.SubScope("n_minus_1"), int32(n-1))), i32(s.SubScope("n"), int32(n)))
	index := make([]int32, n)
	for i := range index {
		index[i] = int32(i)
	}
	left := op.Sub(s.SubScope("left"), batch, op.Mul(s.SubScope("starts"), op.Const(s.SubScope("index"), index), q))
	return op.Minimum(s.SubScope("rows"), op.Maximum(s.SubScope("nonneg"), left, i32(s.SubScope("zero_rows"), 0)), q)
}

// towerMask returns the tower's rows of a uniform mask drawn for the whole
// mini-batch: shape is the tower's x shape (int32), batchAxis the axis of
// its rows. A one-process run with the global batch draws the same tensor
// (StatelessRandomUniform of the global shape, same key) and keeps every
// row, so each row's dropout mask does not depend on the tower count.
func (b *builder) towerMask(s *op.Scope, shape, key tf.Output, rank, batchAxis int) tf.Output {
	if b.slot == nil {
		return op.StatelessRandomUniform(s.SubScope("uniform"), shape, key, op.StatelessRandomUniformDtype(b.dt))
	}
	axis := make([]int32, rank)
	axis[batchAxis] = 1
	onehot := i32(s.SubScope("batch_axis"), axis...)
	scale := make([]int32, rank)
	for i := range scale {
		scale[i] = 1
	}
	scale[batchAxis] = int32(b.slot.count)
	full := op.Mul(s.SubScope("global_shape"), shape, i32(s.SubScope("towers"), scale...))
	u := op.StatelessRandomUniform(s.SubScope("uniform"), full, key, op.StatelessRandomUniformDtype(b.dt))
	begin := op.Mul(s.SubScope("begin"), op.Mul(s.SubScope("rows"), onehot, shape), i32(s.SubScope("index"), int32(b.slot.index)))
	return op.Slice(s.SubScope("rows_of_tower"), u, begin, shape)
}
