package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// conversation writes a recording of turns of testVoices (voice index,
// seconds each) separated by 0.4 s pauses, and returns its path and the
// reference turns.
func conversation(t *testing.T, dir, name string, turns [][2]float64) (string, []eval.Segment) {
	t.Helper()
	const rate, pause = 16000, 0.4
	var x []float32
	var ref []eval.Segment
	for i, tu := range turns {
		start := float64(len(x)) / rate
		x = append(x, testVoices[int(tu[0])].speech(tu[1], uint64(100+i))...)
		ref = append(ref, eval.Segment{File: name, Start: start, End: float64(len(x)) / rate, Speaker: fmt.Sprintf("v%d", int(tu[0]))})
		x = append(x, make([]float32, pause*rate)...)
	}
	var buf bytes.Buffer
	if err := audio.WriteWAV(&buf, x, rate); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".wav")
	embedWrite(t, p, buf.Bytes())
	return p, ref
}

// TestDiarizeKnownAnswer: a conversation of three synthetic voices (six
// turns of 2-4 s) is diarized with the count estimated at the shipped
// model's calibrated threshold, with --speakers 3, and with the baseline
// statistics and --speakers 3: three speakers each time and a DER (no
// collar) under 10%, the remainder being the turn
// edges the 1.5 s windows blur and the syllable pauses the energy detector
// drops. --ref prints the DER of the written RTTM.
func TestDiarizeKnownAnswer(t *testing.T) {
	dir := t.TempDir()
	rec, ref := conversation(t, dir, "conv", [][2]float64{{0, 3}, {1, 4}, {0, 2.5}, {2, 3}, {1, 2}, {2, 3.5}})
	refPath := filepath.Join(dir, "ref.rttm")
	var rb bytes.Buffer
	if err := eval.WriteRTTM(&rb, ref); err != nil {
		t.Fatal(err)
	}
	embedWrite(t, refPath, rb.Bytes())
	for _, args := range [][]string{nil, {"--speakers", "3"}, {"--embedder", "baseline", "--speakers", "3"}} {
		t.Run(strings.Join(append([]string{"args"}, args...), " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			so, se, code := runCLI3(append(append([]string{"diarize", "--out", out, "--ref", refPath}, args...), rec)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, se)
			}
			if !strings.Contains(so, "conv.wav: 3 speakers") {
				t.Errorf("want 3 speakers: %s", so)
			}
			hyp, err := eval.ReadRTTM(filepath.Join(out, "conv.rttm"))
			if err != nil {
				t.Fatal(err)
			}
			r := eval.DER(ref, hyp, 0)
			t.Logf("DER %.4f (missed %.2f, false alarm %.2f, confusion %.2f s of %.2f)", r.DER, r.Missed, r.FalseAlarm, r.Confusion, r.Total)
			if r.DER > 0.10 {
				t.Errorf("DER %.3f (missed %.2f, false alarm %.2f, confusion %.2f s of %.2f)", r.DER, r.Missed, r.FalseAlarm, r.Confusion, r.Total)
			}
			if want := fmt.Sprintf("DER %.2f%% at collar 0 s", 100*r.DER); !strings.Contains(so, want) {
				t.Errorf("--ref: want %q in\n%s", want, so)
			}
			if _, err := os.Stat(filepath.Join(out, "conv.json")); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestDiarizeBadInput: silence only, a corrupt file and a 0.2 s file are
// named on stderr with their reason; with nothing diarized the exit is 3;
// --min-speakers above --max-speakers is a usage error.
func TestDiarizeBadInput(t *testing.T) {
	dir := t.TempDir()
	silent := filepath.Join(dir, "silent.wav")
	toneWAV(t, silent, 3, 16000, 0)
	bad := filepath.Join(dir, "bad.wav")
	embedWrite(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	short := writeVoice(t, dir, "short", testVoices[0], 0.2, 1)
	_, se, code := runCLI3("diarize", "--out", filepath.Join(t.TempDir(), "o"), silent, bad)
	if code != exitData || !strings.Contains(se, "skipped "+silent+": ") || !strings.Contains(se, "no speech found") || !strings.Contains(se, "skipped "+bad+": ") {
		t.Errorf("exit %d (want %d):\n%s", code, exitData, se)
	}
	out := filepath.Join(t.TempDir(), "o")
	_, se, code = runCLI3("diarize", "--out", out, short)
	if code != exitData || !strings.Contains(se, "0.20 s of audio, too short to diarize") {
		t.Errorf("0.2 s file: exit %d\n%s", code, se)
	}
	if _, _, code := runCLI3("diarize", "--out", out, "--min-speakers", "3", "--max-speakers", "2", short); code != exitUsage {
		t.Errorf("min > max: exit %d", code)
	}
	other := writeVoice(t, filepath.Join(dir, "sub"), "short", testVoices[1], 1, 2)
	if _, se, code := runCLI3("diarize", "--out", out, short, other); code != exitUsage || !strings.Contains(se, "would both write short.rttm") {
		t.Errorf("two recordings of one name: exit %d %s", code, se)
	}
	if _, se, code := runCLI3("diarize", "--out", out, "--embedder", "baseline", short); code != exitUsage || !strings.Contains(se, "needs its own threshold") {
		t.Errorf("baseline without a threshold: exit %d %s", code, se)
	}
}
