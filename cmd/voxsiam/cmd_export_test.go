package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/modeltest"
	"github.com/voxsiam/voxsiam/train"
)

// exportTestSpec: a small network on 40 x 16 log-mel segments.
var exportTestSpec = modeltest.Spec{Frames: 40, Bins: 16, LSTM1: 5, LSTM2: 4, Speakers: 3, Seed: 9}

func TestRunExport(t *testing.T) {
	run := modeltest.NewRun(t, exportTestSpec).Dir
	for _, c := range []struct {
		name, ckpt, precision, layer string
		wantErr                      bool
	}{
		{"latest pointer", "latest", "", "", false},
		{"step number", "7", "", "", false},
		{"bf16", "7", "bf16", "", false},
		{"int8", "7", "int8", "", false},
		{"layer L4", "7", "", "L4", false},
		{"layer L7", "7", "", "L7", false},
		{"bad precision", "7", "fp16", "", true},
		{"sequence layer", "7", "", "L1", true},
		{"not a run", "7", "", "", true},
		{"missing step", "8", "", "", true},
		{"missing best pointer", "best", "", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "model")
			var buf bytes.Buffer
			dir := run
			if c.name == "not a run" {
				dir = t.TempDir()
			}
			err := runExport(context.Background(), &exportOptions{Run: dir, Checkpoint: c.ckpt, Out: out, Precision: c.precision, Layer: c.layer, JSON: true}, &buf)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				if code := exitCode(context.Background(), err); code != exitUsage {
					t.Errorf("exit %d, want %d (%v)", code, exitUsage, err)
				}
				return
			}
			var sum train.Exported
			if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
				t.Fatal(err)
			}
			// exportTestSpec: L3 is 2 x LSTM2 = 8 wide, L4 10 x speakers, L7 speakers
			layer, dim := "L3", 8
			switch c.layer {
			case "L4":
				layer, dim = "L4", 30
			case "L7":
				layer, dim = "L7", 3
			}
			if sum.EmbeddingDim != dim || sum.Layer != layer || sum.Speakers != 3 || filepath.Base(sum.Checkpoint) != "ckpt-7" {
				t.Errorf("summary %+v, want a %d-d embedding from %s", sum, dim, layer)
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
			if string(meta["segment"]) != "40" || string(meta["pooling"]) != `"mean"` || string(meta["embedding_layer"]) != `"`+layer+`"` {
				t.Errorf("voxsiam.json = %s", b)
			}
		})
	}
}
