package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
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

// TestExportCalibrates: export of a trained run writes the calibration of
// the exported model on the run's validation speakers, the same file as
// `voxsiam embed --speakers val.list` + `voxsiam calibrate` of that model
// (trainTestStore with val_fraction 0.25: 2 of the 8 speakers, 2
// utterances each, so 6 trials of which 2 same-speaker); --no-calibrate,
// a store that is gone and an empty val.list export without one (the last
// two with a note on stderr), and a corrupt store is bad input naming the
// file, before anything is written.
func TestExportCalibrates(t *testing.T) {
	dir := t.TempDir()
	fcfg := feature.DefaultConfig()
	fcfg.NMels = 8 // recorded: a run trained on a store without settings exports 128-bin features (train.OpenRun)
	feats := trainTestStoreWith(t, dir, fcfg)
	cfg := filepath.Join(dir, "train.toml")
	if err := os.WriteFile(cfg, []byte(tinyTOML), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if out, code := runCLI("train", "--config", cfg, "--data", feats, "--out", run, "--steps", "4"); code != 0 {
		t.Fatalf("train: exit %d: %s", code, out)
	}
	export := func(t *testing.T, args ...string) (model, stdout, stderr string, code int) {
		t.Helper()
		model = filepath.Join(t.TempDir(), "model")
		stdout, stderr, code = runCLI3(append([]string{"export", "--run", run, "--out", model}, args...)...)
		return model, stdout, stderr, code
	}
	calFile := func(model string) string { return filepath.Join(model, "assets", eval.CalibrationAsset) }

	t.Run("calibrated as embed + calibrate", func(t *testing.T) {
		model, stdout, stderr, code := export(t)
		if code != 0 {
			t.Fatalf("exit %d: %s %s", code, stdout, stderr)
		}
		got, err := eval.ReadCalibration(calFile(model))
		if err != nil {
			t.Fatalf("%v (stdout %q)", err, stdout)
		}
		emb, ref := filepath.Join(t.TempDir(), "emb"), filepath.Join(t.TempDir(), "ref.json")
		if out, code := runCLI("embed", "--model", model, "--in", feats, "--speakers", filepath.Join(run, train.ValList), "--out", emb); code != 0 {
			t.Fatalf("embed: exit %d: %s", code, out)
		}
		if out, code := runCLI("calibrate", "--emb", emb, "--out", ref); code != 0 {
			t.Fatalf("calibrate: exit %d: %s", code, out)
		}
		want, err := eval.ReadCalibration(ref)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(eval.Calibration{}, "Dev")); diff != "" {
			t.Errorf("export's calibration differs from embed + calibrate (-want +got):\n%s", diff)
		}
		if got.Speakers != 2 || got.Utterances != 4 || got.Trials != 6 || got.TargetTrials != 2 {
			t.Errorf("calibrated on %d speakers, %d utterances, %d trials (%d target); want 2, 4, 6 (2)", got.Speakers, got.Utterances, got.Trials, got.TargetTrials)
		}
		if !strings.Contains(got.Dev, filepath.Join(run, train.ValList)) || !strings.Contains(stdout, "wrote "+calFile(model)) {
			t.Errorf("dev %q, stdout %q: want val.list named and the file written", got.Dev, stdout)
		}
		_, js, _, code := export(t, "--json")
		var sum struct {
			Calibration exportCalibration `json:"calibration"`
		}
		if err := json.Unmarshal([]byte(js), &sum); code != 0 || err != nil || sum.Calibration.Speakers != 2 || sum.Calibration.Threshold != got.Threshold {
			t.Errorf("--json: exit %d, %v, %+v; want the calibration of 2 speakers at %g", code, err, sum.Calibration, got.Threshold)
		}
	})
	noCalibration := func(t *testing.T, model, stderr string, code int, note string) {
		t.Helper()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(model, "saved_model.pb")); err != nil {
			t.Errorf("no SavedModel: %v", err)
		}
		if _, err := os.Stat(calFile(model)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v, want none", calFile(model), err)
		}
		if !strings.Contains(stderr, note) {
			t.Errorf("stderr %q, want %q", stderr, note)
		}
	}
	t.Run("no-calibrate", func(t *testing.T) {
		model, _, stderr, code := export(t, "--no-calibrate")
		noCalibration(t, model, stderr, code, "")
		if stderr != "" {
			t.Errorf("stderr %q, want nothing", stderr)
		}
	})
	t.Run("store gone", func(t *testing.T) {
		if err := os.Rename(feats, feats+".moved"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(feats+".moved", feats)
		model, _, stderr, code := export(t)
		noCalibration(t, model, stderr, code, "feature store "+feats+" (config.toml [data] store) is gone")
	})
	t.Run("no validation speakers", func(t *testing.T) {
		list := filepath.Join(run, train.ValList)
		overwriteForTest(t, list, "\n")
		model, _, stderr, code := export(t)
		noCalibration(t, model, stderr, code, list+" is empty")
	})
	t.Run("corrupt store", func(t *testing.T) {
		manifest := filepath.Join(feats, store.ManifestFile)
		overwriteForTest(t, manifest, "not a manifest\n")
		model, _, stderr, code := export(t)
		if code != exitData || !strings.Contains(stderr, manifest) {
			t.Errorf("exit %d, stderr %q: want %d naming %s", code, stderr, exitData, manifest)
		}
		if _, err := os.Stat(model); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s written (%v), want nothing", model, err)
		}
	})
}

// overwriteForTest replaces the file at path with text until the (sub)test
// ends, then puts the old content back.
func overwriteForTest(t *testing.T, path, text string) {
	t.Helper()
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Error(err)
		}
	})
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
