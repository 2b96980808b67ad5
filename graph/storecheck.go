package graph

import (
	"fmt"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// StoreProbe is one task's copy of a feature store, for
// FingerprintStores.
type StoreProbe struct {
	// Device is a CPU device of the task that holds the files
	// ("/job:worker/replica:0/task:1/device:CPU:0"; "/device:CPU:0" for
	// this process): the ops that read them run there.
	Device string
	// Files are fingerprinted whole (ReadFile): manifest.tsv and
	// features.json, say.
	Files []string
	// Frames is the copy's frames.npy, mapped as the towers map it
	// (WorkerStore's layout): its header and sampled rows are fingerprinted.
	Frames string
}

// ProbeError is a probe's file that could not be read or mapped.
type ProbeError struct {
	Probe int    // index of the probe
	Path  string // the file
	// Short: the frames file is shorter than the layout needs
	// (ImmutableConst's "Readonly memory region has wrong length").
	Short bool
	Err   error // TensorFlow's error
}

func (e *ProbeError) Error() string {
	if e.Short {
		return fmt.Sprintf("%s is shorter than the store it should copy: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ProbeError) Unwrap() error { return e.Err }

// storeSamples is the number of frames rows FingerprintStores samples.
const storeSamples = 64

// FingerprintStores fingerprints each probe's copy of a feature store on
// the probe's device, i.e. in the process of its task, from that task's
// own files: for each probe, one fingerprint per file of Files, then one
// of Frames (its first Header bytes and up to 64 evenly spaced rows of
// bins elements, the first and the last included, mapped with
// ImmutableConst of ws's layout, so a file shorter than Header + Rows
// rows fails as the towers' reads would). Fingerprints are TensorFlow's
// Fingerprint op (farmhash64, 8 bytes per row of data); equal files give
// equal fingerprints, so comparing a worker's with the chief's tells
// whether its copy is the chief's store. The file paths are fed, not
// constants: ReadFile is not a stateful op, and an optimizer that folded
// it would read the file on the master. The first file that cannot be
// read or mapped ends the check with a *ProbeError. The session runs with
// o (a cluster's Target for tasks of a cluster).
func FingerprintStores(o SessionOptions, ws WorkerStore, bins int, probes []StoreProbe) (out [][][]byte, err error) {
	if err := ws.validateLayout(); err != nil {
		return nil, err
	}
	defer recoverErr(&err)
	g := tf.NewGraph()
	root := op.NewScopeWithGraph(g)
	type probeOps struct {
		path, file, frames, rows tf.Output
	}
	method := op.Const(root.SubScope("method"), "farmhash64")
	ops := make([]probeOps, len(probes))
	for k, p := range probes {
		s := root.SubScope(fmt.Sprintf("probe%d", k)).WithDevice(p.Device)
		var po probeOps
		po.path = op.Placeholder(s.SubScope("path"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
		contents := op.Reshape(s.SubScope("contents"), op.ReadFile(s.SubScope("read"), po.path), op.Const(s.SubScope("vector"), []int32{1}))
		po.file = op.Fingerprint(s.SubScope("file"), contents, method)
		w := ws
		w.Frames = p.Frames
		frames := mapFrames(s, w, bins)
		po.rows = op.Placeholder(s.SubScope("rows"), tf.Int64, op.PlaceholderShape(tf.MakeShape(-1)))
		sampled := op.Fingerprint(s.SubScope("sampled"), gatherRows(s, frames, po.rows, w, bins, 1), method)
		po.frames = sampled
		if h := ws.Header / ws.elemSize(); h > 0 {
			header := op.Slice(s.SubScope("header"), frames, op.Const(s.SubScope("header_begin"), []int64{0}), op.Const(s.SubScope("header_size"), []int64{h}))
			header = op.Reshape(s.SubScope("header_row"), header, op.Const(s.SubScope("row"), []int32{1, -1}))
			po.frames = op.ConcatV2(s.SubScope("frames_fp"), []tf.Output{op.Fingerprint(s.SubScope("header_fp"), header, method), sampled},
				op.Const(s.SubScope("concat_axis"), int32(0)))
		}
		ops[k] = po
	}
	if err := root.Err(); err != nil {
		return nil, fmt.Errorf("graph: store fingerprints: %w", err)
	}
	sess, err := newSession(g, o)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	samples, err := tf.NewTensor(sampleRows(ws.Rows))
	if err != nil {
		return nil, err
	}
	fetch := func(o tf.Output, feeds map[tf.Output]*tf.Tensor) ([]byte, error) {
		res, err := sess.Run(feeds, []tf.Output{o}, nil)
		if err != nil {
			return nil, err
		}
		var b []byte
		for _, row := range res[0].Value().([][]uint8) {
			b = append(b, row...)
		}
		return b, nil
	}
	out = make([][][]byte, len(probes))
	for k, p := range probes {
		for _, f := range p.Files {
			path, err := tf.NewTensor(f)
			if err != nil {
				return nil, err
			}
			fp, err := fetch(ops[k].file, map[tf.Output]*tf.Tensor{ops[k].path: path})
			if err != nil {
				return nil, &ProbeError{Probe: k, Path: f, Err: err}
			}
			out[k] = append(out[k], fp)
		}
		fp, err := fetch(ops[k].frames, map[tf.Output]*tf.Tensor{ops[k].rows: samples})
		if err != nil {
			return nil, &ProbeError{Probe: k, Path: p.Frames, Short: strings.Contains(err.Error(), "wrong length"), Err: err}
		}
		out[k] = append(out[k], fp)
	}
	return out, nil
}

// sampleRows returns up to storeSamples rows of [0, rows) evenly spaced,
// 0 and rows-1 included.
func sampleRows(rows int64) []int64 {
	k := min(rows, storeSamples)
	if k == 1 {
		return []int64{0}
	}
	out := make([]int64, k)
	for i := range out {
		out[i] = int64(i) * (rows - 1) / (k - 1)
	}
	return out
}
