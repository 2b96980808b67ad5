package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/internal/convert"
	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Bounds of TFLite and ONNX against the SavedModel they were converted
// from, per utterance (embed_waveform) and per segment (serving_default):
// the cosine >= 0.9999 and a max abs difference bound above the
// largest one measured on this test's net and files (docs/runtimes.md).
const (
	runtimeMinCosine = 0.9999
	runtimeMaxAbs    = 1e-5
)

// formatWaves writes 16 kHz WAVs of a voice-like signal (two harmonics of
// a gliding pitch, noise): 3 s, 1 s with 0.5 s of quiet noise before and
// after (the VAD trims it), 0.2 s (shorter than a segment), 6 s; and
// returns their paths and samples as audio.Load reads them.
func formatWaves(t *testing.T) ([]string, [][]float32) {
	t.Helper()
	rng := rand.New(rand.NewSource(3))
	var paths []string
	var waves [][]float32
	for i, c := range []struct{ lead, n, trail int }{{0, 48000, 0}, {8000, 16000, 8000}, {0, 3200, 0}, {0, 96000, 0}} {
		x := make([]float32, c.lead+c.n+c.trail)
		f0, ph := 100+80*rng.Float64(), 0.0
		for j := range x {
			x[j] = float32(1e-4 * rng.NormFloat64())
			if j >= c.lead && j < c.lead+c.n {
				ph += 2 * math.Pi * f0 * (1 + 0.2*math.Sin(float64(j)/1500)) / 16000
				x[j] += float32((0.5 + 0.5*math.Sin(float64(j)/800)) * (0.3*math.Sin(ph) + 0.1*math.Sin(3*ph)))
			}
		}
		p := filepath.Join(t.TempDir(), fmt.Sprintf("u%d.wav", i))
		if err := audio.WriteWAVFile(p, x, 16000); err != nil {
			t.Fatal(err)
		}
		y, _, err := audio.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		paths, waves = append(paths, p), append(waves, y)
	}
	return paths, waves
}

// formatRun is a tiny trained run whose export has embed_waveform on
// 16-band log-mel features with VAD.
func formatRun(t *testing.T) string {
	t.Helper()
	run := modeltest.NewRun(t, exportTestSpec)
	f := feature.DefaultConfig()
	f.NMels, f.VAD = exportTestSpec.Bins, true
	b, err := json.Marshal(f)
	if err == nil {
		err = os.WriteFile(filepath.Join(run.Dir, feature.FileName), b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return run.Dir
}

// TestExportFormatsMatchSavedModel exports a tiny net as TFLite and ONNX
// and runs the files in the TFLite interpreter and onnxruntime
// (scripts/runtime_example.py for embed_waveform on WAV files; the
// segments of a random batch for serving_default) against the SavedModel
// they came from, run by Go's TensorFlow (embed.Model): same segment
// counts, cosine >= runtimeMinCosine and max abs difference <=
// runtimeMaxAbs on every row. Without the venv it is skipped (fails when
// testenv.Required).
func TestExportFormatsMatchSavedModel(t *testing.T) {
	py := testenv.Python(t)
	run := formatRun(t)
	paths, waves := formatWaves(t)
	rng := rand.New(rand.NewSource(5))
	nseg := 7
	segs := make([]float32, nseg*exportTestSpec.Frames*exportTestSpec.Bins)
	for i := range segs {
		segs[i] = float32(2 * rng.Float64())
	}
	// int8: the SavedModel multiplies in int8, which neither converter
	// takes, so a converted export carries float32 products of the int8
	// kernels (and its SavedModel the same graph).
	for _, tc := range []struct{ format, precision string }{{"tflite", ""}, {"onnx", ""}, {"tflite", "int8"}, {"onnx", "int8"}} {
		format := tc.format
		name := format
		if tc.precision != "" {
			name += "-" + tc.precision
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "model")
			var buf bytes.Buffer
			if err := runExport(context.Background(), &exportOptions{Run: run, Checkpoint: "latest", Out: out, Format: format, Precision: tc.precision, Python: py, NoCalibrate: true, JSON: true}, &buf); err != nil {
				t.Fatal(err)
			}
			var man convertManifest
			if err := json.Unmarshal(buf.Bytes(), &man); err != nil || len(man.Files) != 2 {
				t.Fatalf("manifest %s: %v, want 2 files", buf.String(), err)
			}
			for _, f := range append([]string{"manifest.json", "voxsiam.json"}, man.Files[0].File, man.Files[1].File) {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Error(err)
				}
			}
			m, err := embed.LoadModel(filepath.Join(out, formatSavedModel), embed.Options{IntraOp: 2, InterOp: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			want, dim, wantSegs, err := m.EmbedWaveform(waves)
			if err != nil {
				t.Fatal(err)
			}
			got, gotSegs := runtimeExample(t, py, filepath.Join(out, "embed_waveform."+format), paths)
			if fmt.Sprint(gotSegs) != fmt.Sprint(wantSegs) {
				t.Errorf("embed_waveform segments %v, SavedModel's %v", gotSegs, wantSegs)
			}
			checkRows(t, "embed_waveform", got, want, dim)
			wantE, dimE, err := m.Embed(segs, nseg)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, "serving_default", runtimeSegments(t, py, filepath.Join(out, "serving_default."+format), segs, nseg), wantE, dimE)
		})
	}
}

// runtimeExample runs scripts/runtime_example.py --json on model and wavs.
func runtimeExample(t *testing.T, py, model string, wavs []string) ([]float32, []int32) {
	t.Helper()
	script := filepath.Join(testenv.ModuleRoot(), "scripts", "runtime_example.py")
	cmd := exec.Command(py, append([]string{script, "--json", model}, wavs...)...)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3", "CUDA_VISIBLE_DEVICES=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var r struct {
		Embeddings [][]float32 `json:"embeddings"`
		Segments   []int32     `json:"segments"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, b)
	}
	var flat []float32
	for _, e := range r.Embeddings {
		flat = append(flat, e...)
	}
	return flat, r.Segments
}

// runtimeSegments runs serving_default of model (.tflite or .onnx) on the
// segments segs ([n, 40, bins] float32) with runtime_example's runners.
func runtimeSegments(t *testing.T, py, model string, segs []float32, n int) []float32 {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "segs.f32")
	var b bytes.Buffer
	for _, v := range segs {
		u := math.Float32bits(v)
		b.Write([]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)})
	}
	if err := os.WriteFile(raw, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import sys, json, numpy as np
sys.path.insert(0, sys.argv[1])
import runtime_example as rx
x = np.fromfile(sys.argv[3], dtype="<f4").reshape(int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
r = rx.onnx_runner(sys.argv[2]) if sys.argv[2].endswith(".onnx") else rx.tflite_runner(sys.argv[2], "serving_default")
print(json.dumps(np.asarray(r(spectrogram=x)["embedding"]).reshape(-1).tolist()))
`
	out := testenv.RunPython(t, script, filepath.Join(testenv.ModuleRoot(), "scripts"), model, raw,
		fmt.Sprint(n), fmt.Sprint(exportTestSpec.Frames), fmt.Sprint(exportTestSpec.Bins))
	var got []float32
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("serving_default: %v\n%s", err, out)
	}
	return got
}

// checkRows holds got to want ([rows, dim] each) by the runtime bounds.
func checkRows(t *testing.T, what string, got, want []float32, dim int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	minCos, maxAbs := 1.0, 0.0
	for r := 0; r < len(want)/dim; r++ {
		var ab, aa, bb float64
		for i := r * dim; i < (r+1)*dim; i++ {
			a, b := float64(got[i]), float64(want[i])
			ab, aa, bb = ab+a*b, aa+a*a, bb+b*b
			maxAbs = math.Max(maxAbs, math.Abs(a-b))
		}
		if aa > 0 || bb > 0 {
			minCos = math.Min(minCos, ab/math.Sqrt(aa*bb))
		}
	}
	t.Logf("%s: min cosine %.9f, max abs difference %.2g", what, minCos, maxAbs)
	if minCos < runtimeMinCosine || maxAbs > runtimeMaxAbs {
		t.Errorf("%s: min cosine %.9f (want >= %g), max abs difference %.2g (want <= %g)", what, minCos, runtimeMinCosine, maxAbs, runtimeMaxAbs)
	}
}

// TestExportFormatBadInput: an unknown --format and an existing --out are
// usage errors naming them, before anything is written; a python without
// the converter packages is an error naming the package and make setup.
func TestExportFormatBadInput(t *testing.T) {
	run := formatRun(t)
	t.Run("unknown format", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "m")
		err := runExport(context.Background(), &exportOptions{Run: run, Out: out, Format: "tfjs"}, &bytes.Buffer{})
		if err == nil || exitCode(context.Background(), err) != exitUsage || !strings.Contains(err.Error(), `"tfjs"`) {
			t.Errorf("err = %v, want a usage error naming tfjs", err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s written", out)
		}
	})
	t.Run("out exists", func(t *testing.T) {
		out := t.TempDir()
		err := runExport(context.Background(), &exportOptions{Run: run, Out: out, Format: "onnx"}, &bytes.Buffer{})
		if err == nil || exitCode(context.Background(), err) != exitUsage || !strings.Contains(err.Error(), out) {
			t.Errorf("err = %v, want a usage error naming %s", err, out)
		}
	})
	t.Run("python without converters", func(t *testing.T) {
		py := "/usr/bin/python3" // the system's, not the venv's
		if exec.Command(py, "-c", "import json").Run() != nil || exec.Command(py, "-c", "import onnx").Run() == nil {
			t.Skipf("%s is missing or has onnx: no python that lacks the converters", py)
		}
		out := filepath.Join(t.TempDir(), "m")
		err := runExport(context.Background(), &exportOptions{Run: run, Out: out, Format: "onnx", Python: py, NoCalibrate: true}, &bytes.Buffer{})
		if !errors.Is(err, convert.ErrMissingPackage) || !strings.Contains(err.Error(), "make setup") || !strings.Contains(err.Error(), "lacks onnx") {
			t.Errorf("err = %v, want the missing package named with make setup", err)
		}
	})
}
