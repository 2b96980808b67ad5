package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// TestVerifyKnownAnswers: with the shipped model, two utterances of one
// synthetic voice are accepted at the model's calibrated threshold and
// utterances of different voices rejected; the score equals the cosine of
// the two files' embeddings as `voxsiam embed` writes them (computed here
// by hand), and --exit-status makes the decision the exit status.
func TestVerifyKnownAnswers(t *testing.T) {
	dir := t.TempDir()
	a0 := writeVoice(t, filepath.Join(dir, "a"), "same", testVoices[0], 2.5, 1)
	a1 := writeVoice(t, filepath.Join(dir, "b"), "same", testVoices[0], 2.5, 2) // same file name, other folder
	b0 := writeVoice(t, filepath.Join(dir, "c"), "x", testVoices[1], 2.5, 3)

	so, se, code := runCLI3("verify", "--json", a0, a1)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se)
	}
	var r verifyResult
	if err := json.Unmarshal([]byte(so), &r); err != nil {
		t.Fatal(err)
	}
	cal := shippedCalibration(t)
	if !r.Accepted || r.Threshold != cal.Threshold || r.FAR == nil || math.Abs(*r.FAR-cal.FAR) > 0.01 {
		t.Errorf("same voice: %+v, want accepted at the calibrated threshold %.4f (FAR %.4f)", r, cal.Threshold, cal.FAR)
	}
	emb := filepath.Join(t.TempDir(), "emb")
	if _, se, code := runCLI3("embed", "--in", filepath.Join(dir, "a"), "--out", emb); code != 0 {
		t.Fatal(se)
	}
	emb2 := filepath.Join(t.TempDir(), "emb")
	if _, se, code := runCLI3("embed", "--in", filepath.Join(dir, "b"), "--out", emb2); code != 0 {
		t.Fatal(se)
	}
	x, _, _, _ := vecio.ReadNpy(filepath.Join(emb, "embeddings.npy"))
	y, _, _, _ := vecio.ReadNpy(filepath.Join(emb2, "embeddings.npy"))
	if want := 1 - eval.Cosine.Distance(x, y); math.Abs(r.Score-want) > 1e-5 {
		t.Errorf("score %.6f, want the cosine of the embed outputs %.6f", r.Score, want)
	}

	so, _, code = runCLI3("verify", "--exit-status", a0, b0)
	if code != exitRejected || !strings.Contains(so, "different speakers (rejected)") || !strings.Contains(so, "(FAR)") {
		t.Errorf("different voices: exit %d (want %d)\n%s", code, exitRejected, so)
	}
	if _, _, code = runCLI3("verify", "--exit-status", "--threshold", "-1", a0, b0); code != 0 {
		t.Errorf("--threshold -1 accepts everything: exit %d", code)
	}
	so, _, _ = runCLI3("verify", "--far", "0.01", a0, b0)
	if thr, _, _ := cal.ForFAR(0.01); !strings.Contains(so, fmt.Sprintf("threshold %.4f (--far 0.01", thr)) {
		t.Errorf("--far 0.01: want threshold %.4f\n%s", thr, so)
	}
}

// shippedCalibration reads the shipped model's calibration.
func shippedCalibration(t *testing.T) *eval.Calibration {
	t.Helper()
	e, err := openEmbedder("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	c, err := eval.ReadCalibration(filepath.Join(e.dir, "assets", eval.CalibrationAsset))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestVerifyBadInput: a corrupt file, silence only, a missing file, an
// empty folder and a model without calibration each give a clear error
// and the input-error or usage status; a 0.2 s file is embedded with a
// warning that names it.
func TestVerifyBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeVoice(t, dir, "good", testVoices[0], 2, 1)
	bad := filepath.Join(dir, "bad.wav")
	embedWrite(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	silent := filepath.Join(dir, "silent.wav")
	toneWAV(t, silent, 2, 16000, 0)
	short := writeVoice(t, dir, "short", testVoices[0], 0.2, 2)
	empty := filepath.Join(dir, "empty")
	embedWrite(t, filepath.Join(empty, "README"), []byte("no audio"))
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"corrupt", []string{good, bad}, exitData, "verify: B: no file could be embedded (1 skipped): " + bad},
		{"silence", []string{silent, good}, exitData, "verify: A: no file could be embedded (1 skipped): " + silent},
		{"missing", []string{good, filepath.Join(dir, "nope.wav")}, exitData, "nope.wav does not exist"},
		{"empty folder", []string{empty, good}, exitData, "no audio files"},
		{"one argument", []string{good}, exitUsage, "want two arguments"},
		{"both overrides", []string{"--far", "0.1", "--threshold", "0.5", good, good}, exitUsage, "not both"},
		{"no calibration", []string{"--model", modelWithoutCalibration(t), good, good}, exitUsage, "has no calibration"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, se, code := runCLI3(append([]string{"verify"}, c.args...)...)
			if code != c.code || !strings.Contains(se, c.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant %q", code, c.code, se, c.want)
			}
		})
	}
	so, se, code := runCLI3("verify", short, good)
	if code != 0 || !strings.Contains(se, "warning: padded "+short) || !strings.Contains(so, "score ") {
		t.Errorf("0.2 s file: exit %d\n%s\n%s", code, so, se)
	}
}

// modelWithoutCalibration links the shipped model's files into a new
// directory, all but assets/calibration.json.
func modelWithoutCalibration(t *testing.T) string {
	t.Helper()
	e, err := openEmbedder("", nil)
	if err != nil {
		t.Fatal(err)
	}
	src := e.dir
	e.Close()
	dst := filepath.Join(t.TempDir(), "model")
	for _, p := range []string{"saved_model.pb", "variables", filepath.Join("assets", "voxsiam.json")} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(src, p), filepath.Join(dst, p)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
