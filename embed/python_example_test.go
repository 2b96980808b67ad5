package embed

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestPythonExample runs scripts/python_example.py, the example of using
// an export from Python with TensorFlow alone (tf.saved_model.load, WAVs
// read by soundfile, embed_waveform on one zero-padded batch), on the
// WAV files of waveCases and checks its embeddings and segment counts
// against `voxsiam embed`'s (Extract) on the same files, cosine >= 0.9999
// and max abs difference <= 1e-4, and its score against the cosine of
// Extract's first two rows to 1e-5. Without the venv it is skipped (fails
// when testenv.Required).
func TestPythonExample(t *testing.T) {
	py := testenv.Python(t)
	paths, _ := writeWaveCases(t, t.TempDir())
	f := feature.DefaultConfig()
	f.NMels = rtSpec.Bins
	m, dir := waveformModel(t, f, "")
	want, segs := extractWant(t, m, paths, f)
	script := filepath.Join(testenv.ModuleRoot(), "scripts", "python_example.py")
	cmd := exec.Command(py, append([]string{script, "--json", dir}, paths...)...)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3", "CUDA_VISIBLE_DEVICES=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var got struct {
		Embeddings [][]float32 `json:"embeddings"`
		Segments   []int32     `json:"segments"`
		Score      float64     `json:"score"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s output: %v\n%s", script, err, out)
	}
	var flat []float32
	for _, e := range got.Embeddings {
		flat = append(flat, e...)
	}
	dim := len(want) / len(paths)
	checkWaveform(t, "python", flat, got.Segments, want, segs, dim)
	if ws := cosine(want[:dim], want[dim:2*dim]); got.Score < ws-1e-5 || got.Score > ws+1e-5 {
		t.Errorf("python score %.7f, Extract's cosine %.7f", got.Score, ws)
	}
}
