// Package modeltest makes training runs and SavedModels for tests of the
// packages and commands that read them (export, embed): a run directory as
// package train writes it, holding an initialised network, and the Train
// graph that produced it as the reference for exported embeddings. It is a
// test kit: only tests import it (internal/archtest, TestTestKitsTestOnly);
// the tests of cmd/voxsiam and embed reach graph and train through it.
package modeltest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/train"
)

// Spec is a small network: segments of Frames x Bins (Bins is also the
// features' n_mels), BLSTMs of LSTM1 and LSTM2 units, Speakers outputs and
// the initialiser Seed. The other settings are graph.DefaultConfig's.
type Spec struct {
	Frames, Bins, LSTM1, LSTM2, Speakers int
	Seed                                 int64
	CMN                                  string // [model] cmn; "" is none
	CMNWindow                            int    // [model] cmn_window; 0 is the default
}

// Run is a run directory with checkpoint ckpt-7 (the "latest" pointer) of
// an initialised network, and that network's Train graph and session.
type Run struct {
	Dir      string
	Features feature.Config // features.json
	m        *graph.Model
	s        *tf.Session
}

// NewRun writes a run directory as train.Run would (config.toml with the
// [model] table, features.json, checkpoints/ckpt-7 and the pointer file).
func NewRun(t testing.TB, sp Spec) *Run {
	t.Helper()
	cfg := graph.DefaultConfig(sp.Speakers)
	cfg.Frames, cfg.Bins, cfg.LSTM1, cfg.LSTM2, cfg.Seed = sp.Frames, sp.Bins, sp.LSTM1, sp.LSTM2, sp.Seed
	if sp.CMN != "" {
		cfg.CMN, cfg.CMNWindow = sp.CMN, sp.CMNWindow
	}
	r := &Run{Dir: filepath.Join(t.TempDir(), "run"), Features: feature.DefaultConfig()}
	r.Features.NMels = sp.Bins
	must(t, os.MkdirAll(filepath.Join(r.Dir, train.CheckpointDir), 0o755))
	var err error
	r.m, err = graph.Build(cfg, graph.Train)
	must(t, err)
	r.s, err = r.m.NewSession(graph.SessionOptions{IntraOp: 2, InterOp: 1})
	must(t, err)
	t.Cleanup(func() { r.s.Close() })
	_, err = r.s.Run(nil, nil, []*tf.Operation{r.m.Init})
	must(t, err)
	must(t, r.m.Save(r.s, filepath.Join(r.Dir, train.CheckpointDir, "ckpt-7")))
	tc := train.DefaultConfig()
	tc.Model, tc.Train.Segment = r.m.Config, sp.Frames
	must(t, train.WriteConfig(filepath.Join(r.Dir, train.ConfigFile), tc))
	feats, err := json.Marshal(r.Features)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(r.Dir, train.FeaturesFile), feats, 0o644))
	must(t, os.WriteFile(filepath.Join(r.Dir, train.CheckpointDir, "checkpoint"), []byte("ckpt-7\n"), 0o644))
	return r
}

// Export writes the run's latest checkpoint as a SavedModel with
// train.Export in precision ("" is fp32) and returns its directory.
func (r *Run) Export(t testing.TB, precision string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	_, err := train.Export(train.ExportOptions{Run: r.Dir, Out: dir, Precision: precision})
	must(t, err)
	return dir
}

// Embed runs the Train graph (dropout off) on n segments
// ([n, Frames, Bins] float32, row-major) and returns their embeddings
// [n, D]: the reference an exported model must reproduce.
func (r *Run) Embed(t testing.TB, segs []float32, n int) []float32 {
	return r.run(t, r.m.Embedding, segs, n)
}

// Distribution is Embed for the softmax output [n, Speakers].
func (r *Run) Distribution(t testing.TB, segs []float32, n int) []float32 {
	return r.run(t, r.m.Distribution, segs, n)
}

func (r *Run) run(t testing.TB, out tf.Output, segs []float32, n int) []float32 {
	t.Helper()
	x, err := tf.NewTensor(segs)
	must(t, err)
	must(t, x.Reshape([]int64{int64(n), int64(r.m.Config.Frames), int64(r.m.Config.Bins)}))
	res, err := r.s.Run(map[tf.Output]*tf.Tensor{r.m.Input: x}, []tf.Output{out}, nil)
	must(t, err)
	var flat []float32
	for _, row := range res[0].Value().([][]float32) {
		flat = append(flat, row...)
	}
	return flat
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
