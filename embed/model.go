package embed

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	corepb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Options select the signature and tensors of a SavedModel and the
// TensorFlow session settings.
type Options struct {
	// SignatureKey is the signature to run. Default "serving_default".
	SignatureKey string
	// InputName is the signature input key (e.g. "spectrogram") or a graph
	// tensor name ("serving_default_input:0"). Default: the signature's only
	// input, or "spectrogram" when it has several.
	InputName string
	// OutputName is the signature output key or a graph tensor name.
	// Default: the signature's only output, or "embedding".
	OutputName string
	// IntraOp and InterOp are the thread-pool sizes; 0 = TF default.
	IntraOp, InterOp int
	// Device is "" (TF default), "cpu" (hide GPUs) or "gpu:N" (only GPU N);
	// spec.ParseDevice reads it (the form of voxsiam train --device too).
	Device string
	// Batch is the number of segments per session run. Default DefaultBatch.
	Batch int
}

// DefaultBatch is the number of segments per session run when Options.Batch
// and ExtractOptions.Batch are 0 (and the default of voxsiam embed --batch).
const DefaultBatch = 256

// Model is a loaded SavedModel ready to embed segments.
type Model struct {
	sm      *tf.SavedModel
	in, out tf.Output
	dist    *tf.Output // output of the "distribution" signature, when present
	wave    *waveSig   // the embed_waveform signature, when present (waveform.go)
	batch   int

	// Frames and Bins are the segment shape [Frames, Bins] the model takes:
	// from the signature's input shape, else from assets/voxsiam.json, else
	// (Frames only) spec.DefaultSegment, for models whose signature leaves
	// the time axis open and that carry no voxsiam.json.
	Frames, Bins int
	// Dim is the embedding width (the output's last dimension); 0 when the
	// signature leaves it unknown until the first run.
	Dim int
	// Meta is assets/voxsiam.json, nil for foreign (e.g. Keras) exports.
	Meta *spec.Meta
}

// Pooling is the utterance pooling the model was exported with
// (assets/voxsiam.json), spec.PoolMean for models without one; Extract uses it
// when ExtractOptions.Pooling is "".
func (m *Model) Pooling() string {
	if m.Meta != nil && m.Meta.Pooling != "" {
		return m.Meta.Pooling
	}
	return spec.PoolMean
}

// Partial is the model's policy for an utterance's final partial segment
// (Cut): its features' "partial" (assets/voxsiam.json), else
// feature.PartialOverlapLast, the default.
func (m *Model) Partial() string {
	if m.Meta != nil && m.Meta.Features != nil && m.Meta.Features.Partial != "" {
		return m.Meta.Features.Partial
	}
	return feature.PartialOverlapLast
}

// CMN is the mean normalisation the model's input takes (voxsiam.json
// model.cmn and cmn_window, one of feature.CMNModes): feature.CMNNone for
// models without voxsiam.json or exported before the key. Extract applies
// it to each utterance's frames before cutting them into segments.
func (m *Model) CMN() (mode string, window int) {
	if m.Meta == nil {
		return feature.CMNNone, feature.DefaultCMNWindow
	}
	c := m.Meta.Model.WithDefaults()
	return c.CMN, c.CMNWindow
}

// LoadModel loads the SavedModel in dir with tags ["serve"] and resolves the
// input and output tensors. The input must be float32 [batch, frames, bins].
func LoadModel(dir string, opts Options) (m *Model, err error) {
	defer guard(&err, "load "+dir)
	if err := checkModelDir(dir); err != nil {
		return nil, err
	}
	cfg, err := sessionConfig(opts)
	if err != nil {
		return nil, fmt.Errorf("embed: model %s: %w", dir, err)
	}
	sm, err := tf.LoadSavedModel(dir, []string{"serve"}, &tf.SessionOptions{Config: cfg})
	if err != nil {
		return nil, fmt.Errorf("embed: model %s: %w", dir, err)
	}
	m = &Model{sm: sm, batch: opts.Batch}
	if m.batch <= 0 {
		m.batch = DefaultBatch
	}
	if m.Meta, err = spec.ReadMeta(dir); err != nil {
		sm.Session.Close()
		return nil, err
	}
	switch p := m.Partial(); p {
	case feature.PartialOverlapLast, feature.PartialPad, feature.PartialDrop:
	default:
		sm.Session.Close()
		return nil, errs.BadData("embed: model %s: %s: features partial %q, want %s, %s or %s",
			dir, spec.MetaAsset, p, feature.PartialOverlapLast, feature.PartialPad, feature.PartialDrop)
	}
	if mode, w := m.CMN(); !slices.Contains(feature.CMNModes, mode) || w < 1 {
		sm.Session.Close()
		return nil, errs.BadData("embed: model %s: %s: model cmn %q with cmn_window %d, want one of %s and a window >= 1 frames",
			dir, filepath.Join(dir, "assets", spec.MetaAsset), mode, w, strings.Join(feature.CMNModes, ", "))
	}
	if err := m.resolve(opts); err != nil {
		sm.Session.Close()
		return nil, fmt.Errorf("embed: model %s: %w", dir, err)
	}
	if m.wave, err = resolveWaveform(sm); err != nil {
		sm.Session.Close()
		return nil, fmt.Errorf("embed: model %s: %w", dir, err)
	}
	// One segment through the graph now, so that graph optimisation and
	// executor set-up are paid while loading, not by the first real batch.
	if _, _, err := m.Embed(make([]float32, m.Frames*m.Bins), 1); err != nil {
		sm.Session.Close()
		return nil, fmt.Errorf("embed: model %s: warm-up run: %w", dir, err)
	}
	return m, nil
}

// Close releases the TensorFlow session.
func (m *Model) Close() error { return m.sm.Session.Close() }

// resolve finds the input/output tensors and the segment shape.
func (m *Model) resolve(opts Options) error {
	key := opts.SignatureKey
	if key == "" {
		key = "serving_default"
	}
	sig, ok := m.sm.Signatures[key]
	if !ok {
		return fmt.Errorf("no signature %q (have %s)", key, strings.Join(sigKeys(m.sm.Signatures), ", "))
	}
	inInfo, err := pick(sig.Inputs, opts.InputName, "spectrogram", "input")
	if err != nil {
		return err
	}
	outInfo, err := pick(sig.Outputs, opts.OutputName, "embedding", "output")
	if err != nil {
		return err
	}
	if m.in, err = lookup(m.sm.Graph, inInfo.Name); err != nil {
		return err
	}
	if m.out, err = lookup(m.sm.Graph, outInfo.Name); err != nil {
		return err
	}
	if dt := m.in.DataType(); dt != tf.Float {
		return fmt.Errorf("input %s has dtype %v, want float32", inInfo.Name, dt)
	}
	inShape := inInfo.Shape
	if inShape.NumDimensions() != 3 {
		inShape = m.in.Shape()
	}
	m.setShapes(inShape, outInfo.Shape)
	if d, ok := m.sm.Signatures["distribution"]; ok && key == "serving_default" {
		if info, err := pick(d.Outputs, "", "distribution", "output"); err == nil {
			if o, err := lookup(m.sm.Graph, info.Name); err == nil {
				m.dist = &o
			}
		}
	}
	if m.Frames <= 0 || m.Bins <= 0 {
		return fmt.Errorf("input %s: segment shape unknown (signature %v, no assets/voxsiam.json)", inInfo.Name, inInfo.Shape)
	}
	return nil
}

// setShapes reads [batch, frames, bins] and [batch, dim] from the signature,
// falling back to the asset's settings for unknown dimensions.
func (m *Model) setShapes(in, out tf.Shape) {
	if in.NumDimensions() == 3 {
		m.Frames, m.Bins = int(in.Size(1)), int(in.Size(2))
	}
	if m.Meta != nil {
		if m.Frames <= 0 {
			m.Frames = m.Meta.Segment
		}
		if m.Bins <= 0 {
			m.Bins = m.Meta.NMels()
		}
	}
	if m.Frames <= 0 {
		m.Frames = spec.DefaultSegment
	}
	if n := out.NumDimensions(); n >= 2 {
		m.Dim = int(out.Size(n - 1))
	}
}

// pick selects a tensor of a signature: the named key, a raw tensor name,
// the only entry, or the preferred key.
func pick(m map[string]tf.TensorInfo, name, preferred, what string) (tf.TensorInfo, error) {
	if name != "" {
		if ti, ok := m[name]; ok {
			return ti, nil
		}
		if strings.Contains(name, ":") {
			return tf.TensorInfo{Name: name, Shape: tf.ScalarShape()}, nil
		}
		return tf.TensorInfo{}, fmt.Errorf("signature has no %s %q (have %s)", what, name, strings.Join(sigKeys(m), ", "))
	}
	if len(m) == 1 {
		for _, ti := range m {
			return ti, nil
		}
	}
	if ti, ok := m[preferred]; ok {
		return ti, nil
	}
	return tf.TensorInfo{}, fmt.Errorf("signature has %d %ss (%s): choose one", len(m), what, strings.Join(sigKeys(m), ", "))
}

func sigKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// lookup resolves "op:index" in g.
func lookup(g *tf.Graph, name string) (tf.Output, error) {
	opName, idx := name, 0
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		n, err := strconv.Atoi(name[i+1:])
		if err != nil {
			return tf.Output{}, fmt.Errorf("tensor name %q: bad index", name)
		}
		opName, idx = name[:i], n
	}
	op := g.Operation(opName)
	if op == nil || idx >= op.NumOutputs() {
		return tf.Output{}, fmt.Errorf("tensor %q not in graph", name)
	}
	return op.Output(idx), nil
}

// sessionConfig serializes the thread and device settings as a ConfigProto.
func sessionConfig(o Options) ([]byte, error) {
	cp := &corepb.ConfigProto{
		IntraOpParallelismThreads: int32(o.IntraOp),
		InterOpParallelismThreads: int32(o.InterOp),
		AllowSoftPlacement:        true, // foreign graphs may pin devices this machine lacks
	}
	kind, n, err := spec.ParseDevice(o.Device)
	switch {
	case err != nil:
		return nil, err
	case kind == "cpu":
		cp.DeviceCount = map[string]int32{"GPU": 0}
	case kind == "gpu":
		cp.GpuOptions = &corepb.GPUOptions{VisibleDeviceList: strconv.Itoa(n)}
	}
	return proto.Marshal(cp)
}
