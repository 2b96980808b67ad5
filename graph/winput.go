package graph

import (
	"errors"
	"fmt"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// WorkerStore is a feature store's frames file (tools/store frames.npy:
// [Rows, Bins] float32 or float16 after a Header-byte .npy header) as the
// towers' tasks see it. The towers of BuildWorkerInputTowers read their
// rows of each mini-batch from it on their own task instead of receiving
// the frames from the chief (towers.go, storeInput).
type WorkerStore struct {
	// Frames is the path of frames.npy on the towers' tasks: each task
	// maps its own file (a copy of the store, or a shared file system).
	// TensorFlow opens it in the task's process: give an absolute path.
	Frames string
	// Rows is the file's first dimension, the frames of the chief's
	// store (the rows fed are row numbers of that store).
	Rows int64
	// Float16: the frames are "<f2", cast to the model's dtype in the
	// graph; otherwise "<f4".
	Float16 bool
	// Header is the number of bytes before the frames (store.DataOffset:
	// 128 in tools/store's files), a multiple of the element size.
	Header int64
}

// dtype is the TensorFlow type of the file's elements.
func (w WorkerStore) dtype() tf.DataType {
	if w.Float16 {
		return tf.Half
	}
	return tf.Float
}

// elemSize is the size of one element in bytes.
func (w WorkerStore) elemSize() int64 {
	if w.Float16 {
		return 2
	}
	return 4
}

// elements is the length of the file as a vector of elements, header
// included: ImmutableConst maps the file from its first byte.
func (w WorkerStore) elements(bins int) int64 {
	return w.Header/w.elemSize() + w.Rows*int64(bins)
}

// Bytes is the length frames.npy must have at least: the header and
// Rows x bins elements.
func (w WorkerStore) Bytes(bins int) int64 {
	return w.elements(bins) * w.elemSize()
}

func (w WorkerStore) validate() error {
	if w.Frames == "" {
		return errors.New("graph: worker store: no frames file")
	}
	return w.validateLayout()
}

// validateLayout checks the rows and the header (FingerprintStores maps
// each probe's own file with this layout).
func (w WorkerStore) validateLayout() error {
	switch {
	case w.Rows < 1:
		return fmt.Errorf("graph: worker store %s: %d rows, need at least 1", w.Frames, w.Rows)
	case w.Header < 0 || w.Header%w.elemSize() != 0:
		return fmt.Errorf("graph: worker store %s: header of %d bytes is not a multiple of the %d-byte elements (ImmutableConst maps the file as one vector)", w.Frames, w.Header, w.elemSize())
	}
	return nil
}

// BuildWorkerInputTowers is BuildTowers whose towers read their inputs
// from the feature store ws on their own task: tower i has a placeholder
// "towers/tower<i>/rows" (int64 [b_i], the store rows its segments start
// at, Model.TowerRows) that replaces the split of "spectrogram", and reads
// the frames of rows [row, row+Frames) of each on InputDevice(tower i)
// with ImmutableConst (the file memory-mapped by the process that runs
// the op, no copy), GatherV2 and a reshape into [b_i, Frames, Bins]
// (plus a Cast of float16 frames), ending in the Identity
// "towers/tower<i>/input" (Model.TowerInputs). Feeding TowerInputs
// instead of TowerRows runs the towers on given frames (TensorFlow prunes
// the reads): validation and Infer do that, in blocks of ceil(n/towers)
// rows as towerRows splits. "spectrogram" stays in the graph, unused.
// Variables, names, dropout masks, the loss and the gradients are those
// of BuildTowers; the reads have no gradient (nothing trainable feeds them).
func BuildWorkerInputTowers(cfg Config, towers []string, ws WorkerStore) (*Model, error) {
	if len(towers) == 0 {
		return nil, fmt.Errorf("graph: BuildWorkerInputTowers: no tower devices")
	}
	if err := ws.validate(); err != nil {
		return nil, err
	}
	return build(cfg, Train, towers, &ws, nil, false)
}

// InputDevice is the device that reads a tower's rows under worker input:
// the tower's own device when it is a CPU, else CPU:0 of its task
// (".../task:1/device:GPU:0" -> ".../task:1/device:CPU:0", "/device:GPU:1"
// -> "/device:CPU:0"): ImmutableConst has a CPU kernel only.
func InputDevice(tower string) string {
	if strings.Contains(tower, "/device:CPU:") {
		return tower
	}
	return taskOf(tower) + "/device:CPU:0"
}

// storeInput adds tower i's input ops in s (scope "towers/tower<i>", on
// its InputDevice) and returns its rows placeholder and its input.
func (b *builder) storeInput(s *op.Scope) (rows, input tf.Output) {
	c, ws := b.cfg, b.ws
	rows = s.AddOperation(tf.OpSpec{Type: "Placeholder", Name: "rows",
		Attrs: map[string]any{"dtype": tf.Int64, "shape": tf.MakeShape(-1)}}).Output(0)
	frames := mapFrames(s, *ws, c.Bins)
	x := gatherRows(s, frames, rows, *ws, c.Bins, c.Frames)
	x = op.Reshape(s.SubScope("segments"), x, op.Const(s.SubScope("segment_shape"), []int32{-1, int32(c.Frames), int32(c.Bins)}))
	if ws.dtype() != b.dt {
		x = op.Cast(s.SubScope("cast"), x, b.dt)
	}
	input = s.AddOperation(tf.OpSpec{Type: "Identity", Name: "input", Input: []tf.Input{x}}).Output(0)
	return rows, input
}

// mapFrames is the ImmutableConst "frames" of ws: the whole file as one
// vector of elements, header included.
func mapFrames(s *op.Scope, ws WorkerStore, bins int) tf.Output {
	return s.AddOperation(tf.OpSpec{Type: "ImmutableConst", Name: "frames", Attrs: map[string]any{
		"dtype": ws.dtype(), "shape": tf.MakeShape(ws.elements(bins)), "memory_region_name": ws.Frames}}).Output(0)
}

// gatherRows returns [len(rows), n*bins]: the n frames from each row of
// rows, read from frames (mapFrames). Frame f, bin m of a segment at row r
// is element Header/elemSize + (r+f)*bins + m, i.e. the contiguous run of
// n*bins elements from Header/elemSize + r*bins.
func gatherRows(s *op.Scope, frames, rows tf.Output, ws WorkerStore, bins, n int) tf.Output {
	col := op.Reshape(s.SubScope("rows_column"), rows, op.Const(s.SubScope("column"), []int32{-1, 1}))
	first := op.AddV2(s.SubScope("first"), op.Mul(s.SubScope("row_start"), col, op.Const(s.SubScope("bins"), int64(bins))),
		op.Const(s.SubScope("header"), ws.Header/ws.elemSize()))
	span := op.Range(s.SubScope("span"), op.Const(s.SubScope("zero"), int64(0)), op.Const(s.SubScope("width"), int64(n*bins)), op.Const(s.SubScope("one"), int64(1)))
	index := op.AddV2(s.SubScope("index"), first, span)
	return op.GatherV2(s.SubScope("gather"), frames, index, op.Const(s.SubScope("axis"), int32(0)))
}
