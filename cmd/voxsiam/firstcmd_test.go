package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// toneWAV writes secs seconds of a tone at hz (frequency f) as a WAV file.
func toneWAV(t *testing.T, path string, secs float64, rate int, f float64) {
	t.Helper()
	x := make([]float32, int(secs*float64(rate)))
	for i := range x {
		x[i] = float32(0.3 * math.Sin(2*math.Pi*f*float64(i)/float64(rate)))
	}
	var buf bytes.Buffer
	if err := audio.WriteWAV(&buf, x, rate); err != nil {
		t.Fatal(err)
	}
	embedWrite(t, path, buf.Bytes())
}

// TestEmbedFlatFolder: `voxsiam embed --in DIR` on a flat folder of WAV
// files (issue 26 item 5) embeds each file as an utterance, names the
// corrupt one with its reason on stderr, and notes the 8 kHz file's
// resampling there; a folder of only corrupt files fails with exit 3 and
// the reason in the message.
func TestEmbedFlatFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "recordings")
	toneWAV(t, filepath.Join(dir, "one.wav"), 1.0, 16000, 220)
	toneWAV(t, filepath.Join(dir, "two.wav"), 1.0, 8000, 330)
	embedWrite(t, filepath.Join(dir, "bad.wav"), []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	embedWrite(t, filepath.Join(dir, "notes.txt"), []byte("not audio"))
	out := filepath.Join(t.TempDir(), "emb")
	so, se, code := runCLI3("embed", "--in", dir, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, so, se)
	}
	ids, err := vecio.ReadList(filepath.Join(out, "utt.list"))
	if err != nil || strings.Join(ids, " ") != "one two" {
		t.Errorf("utt.list %v (%v), want one two", ids, err)
	}
	if !strings.Contains(se, "warning: skipped "+filepath.Join(dir, "bad.wav")+": ") {
		t.Errorf("stderr does not name the corrupt file:\n%s", se)
	}
	if !strings.Contains(se, "1 file(s) at 8000 Hz resampled to 16000 Hz") || strings.Contains(so, "warning") {
		t.Errorf("want the 8 kHz note and the warnings on stderr only\nstdout: %s\nstderr: %s", so, se)
	}

	bad := filepath.Join(t.TempDir(), "bad.wav")
	embedWrite(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	_, se, code = runCLI3("embed", "--in", bad, "--out", filepath.Join(t.TempDir(), "e"))
	if code != exitData || !strings.Contains(se, bad+": ") || !strings.Contains(se, "(1 skipped)") {
		t.Errorf("all corrupt: exit %d, want %d and the reason\n%s", code, exitData, se)
	}
}

// TestEmbedInputErrors: a missing input, a directory that is no
// SavedModel and a training run given as --model exit 3 with what to do.
func TestEmbedInputErrors(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "a.wav")
	toneWAV(t, wav, 0.5, 16000, 200)
	run := t.TempDir()
	if err := os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"missing input", []string{"--in", filepath.Join(t.TempDir(), "nope.wav")}, "does not exist (give audio files"},
		{"not a model", []string{"--in", wav, "--model", t.TempDir()}, "holds no saved_model.pb"},
		{"training run", []string{"--in", wav, "--model", run}, "voxsiam export --run " + run},
		{"missing model", []string{"--in", wav, "--model", filepath.Join(run, "nope")}, "does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, se, code := runCLI3(append([]string{"embed", "--out", filepath.Join(t.TempDir(), "e")}, c.args...)...)
			if code != exitData || !strings.Contains(se, c.want) {
				t.Errorf("exit %d (want %d), stderr %q, want %q", code, exitData, se, c.want)
			}
		})
	}
}

// TestLooseFilesBesideSpeakers: audio files directly in a corpus root,
// beside its speaker directories, are refused by every command that takes
// --in (embed, baseline, features, augment) with exit 3, the files named
// and the expected layout said, before anything is written.
func TestLooseFilesBesideSpeakers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	toneWAV(t, filepath.Join(dir, "alice", "a.wav"), 0.5, 16000, 220)
	toneWAV(t, filepath.Join(dir, "bob", "b.wav"), 0.5, 16000, 330)
	toneWAV(t, filepath.Join(dir, "stray.wav"), 0.5, 16000, 440)
	want := dir + ": audio files directly in it, beside the speaker directories of a plain corpus (stray.wav): " +
		"a corpus keeps every file in its speaker's directory (<speaker>/<utterance>.wav"
	for _, cmd := range []string{"embed", "baseline", "features", "augment"} {
		t.Run(cmd, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, se, code := runCLI3(cmd, "--in", dir, "--out", out)
			if code != exitData || !strings.Contains(se, want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant %q", code, exitData, se, want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written", out)
			}
		})
	}
}
