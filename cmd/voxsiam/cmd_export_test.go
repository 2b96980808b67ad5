package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
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

// TestRunExportAverage: --average N picks the N newest kept checkpoints at
// or before --checkpoint, lists them in the summary and says so; asking for
// more than the run keeps, or a negative count, is a usage error naming
// the count. (The averaging itself: graph's TestAverageCheckpoints.)
func TestRunExportAverage(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if err := os.CopyFS(run, os.DirFS(modeltest.NewRun(t, exportTestSpec).Dir)); err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(run, train.CheckpointDir)
	for _, step := range []string{"3", "5"} { // copies of ckpt-7: three checkpoints kept
		for _, suf := range []string{".index", ".data-00000-of-00001"} {
			b, err := os.ReadFile(filepath.Join(ck, "ckpt-7"+suf))
			if err == nil {
				err = os.WriteFile(filepath.Join(ck, "ckpt-"+step+suf), b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name, ckpt string
		average    int
		want       []string // checkpoints averaged; nil: a usage error
		wantText   string   // in the error or the text summary
	}{
		{"two newest", "latest", 2, []string{"ckpt-5", "ckpt-7"}, "the mean of 2 checkpoints (ckpt-5 ... ckpt-7)"},
		{"all three", "7", 3, []string{"ckpt-3", "ckpt-5", "ckpt-7"}, "the mean of 3 checkpoints"},
		{"ending earlier", "5", 2, []string{"ckpt-3", "ckpt-5"}, "(ckpt-3 ... ckpt-5)"},
		{"one is no average", "7", 1, nil, ""},
		{"more than kept", "5", 3, nil, "--average 3: " + run + " keeps 2 checkpoints at or before ckpt-5"},
		{"negative", "7", -2, nil, "--average -2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, asJSON := range []bool{true, false} {
				out := filepath.Join(t.TempDir(), "model")
				var buf bytes.Buffer
				err := runExport(context.Background(), &exportOptions{Run: run, Checkpoint: c.ckpt, Out: out, Average: c.average, JSON: asJSON}, &buf)
				if c.want == nil && c.wantText != "" {
					if err == nil || exitCode(context.Background(), err) != exitUsage || !strings.Contains(err.Error(), c.wantText) {
						t.Fatalf("err = %v, want a usage error with %q", err, c.wantText)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !asJSON {
					if !strings.Contains(buf.String(), c.wantText) {
						t.Errorf("summary %q, want %q", buf.String(), c.wantText)
					}
					continue
				}
				var sum train.Exported
				if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range sum.Averaged {
					got = append(got, filepath.Base(p))
				}
				if strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Errorf("averaged %v, want %v", got, c.want)
				}
			}
		})
	}
}
