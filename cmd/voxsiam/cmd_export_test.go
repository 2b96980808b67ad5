package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// exportTestConfig: a small network on 40 x 16 log-mel segments.
var exportTestConfig = graph.Config{Frames: 40, Bins: 16, LSTM1: 5, LSTM2: 4, Speakers: 3, Seed: 9}

func exportTestFeatures() feature.Config {
	f := feature.DefaultConfig()
	f.NMels = 16
	return f
}

// exportTestRun writes a run directory as train would: config.toml with
// the [model] table, features.json and checkpoint ckpt-7 of an initialised
// Train graph (with the pointer file). It returns the run and the Train
// graph and session, the reference for exported embeddings.
func exportTestRun(t *testing.T) (string, *graph.Model, *tf.Session) {
	t.Helper()
	run := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := graph.Build(exportTestConfig, graph.Train)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(graph.SessionOptions{IntraOp: 2, InterOp: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Run(nil, nil, []*tf.Operation{m.Init}); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(s, filepath.Join(run, "checkpoints", "ckpt-7")); err != nil {
		t.Fatal(err)
	}
	var cfg bytes.Buffer
	if err := toml.NewEncoder(&cfg).Encode(struct {
		Model graph.Config `toml:"model"`
	}{m.Config}); err != nil {
		t.Fatal(err)
	}
	feats, _ := json.Marshal(exportTestFeatures())
	for name, data := range map[string][]byte{"config.toml": cfg.Bytes(), "features.json": feats, "checkpoints/checkpoint": []byte("ckpt-7\n")} {
		if err := os.WriteFile(filepath.Join(run, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return run, m, s
}

func TestRunExport(t *testing.T) {
	run, _, _ := exportTestRun(t)
	for _, c := range []struct {
		name, ckpt, precision string
		wantErr               bool
	}{
		{"latest pointer", "latest", "", false},
		{"step number", "7", "", false},
		{"bf16", "7", "bf16", false},
		{"int8", "7", "int8", false},
		{"bad precision", "7", "fp16", true},
		{"missing step", "8", "", true},
		{"missing best pointer", "best", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "model")
			var buf bytes.Buffer
			err := runExport(context.Background(), &exportOptions{Run: run, Checkpoint: c.ckpt, Out: out, Precision: c.precision, JSON: true}, &buf)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			var sum exportSummary
			if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
				t.Fatal(err)
			}
			// 2 x LSTM2 units: the L3 BLSTM output (exportTestConfig).
			if sum.EmbeddingDim != 8 || sum.Speakers != 3 || filepath.Base(sum.Checkpoint) != "ckpt-7" {
				t.Errorf("summary %+v", sum)
			}
			var meta map[string]json.RawMessage
			b, err := os.ReadFile(filepath.Join(out, "assets", "voxsiam.json"))
			if err != nil || json.Unmarshal(b, &meta) != nil {
				t.Fatalf("voxsiam.json: %v %s", err, b)
			}
			wantPrec := c.precision
			if wantPrec == "" {
				wantPrec = "fp32"
			}
			if sum.Precision != wantPrec || string(meta["precision"]) != `"`+wantPrec+`"` {
				t.Errorf("precision: summary %q, voxsiam.json %s, want %q", sum.Precision, meta["precision"], wantPrec)
			}
			if string(meta["segment"]) != "40" || string(meta["pooling"]) != `"mean"` || string(meta["embedding_layer"]) != `"L3"` {
				t.Errorf("voxsiam.json = %s", b)
			}
		})
	}
}
