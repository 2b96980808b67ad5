package dataset

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// tree creates files (relative path -> content; "" writes a 0.1 s WAV) under a temp dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := []byte(content)
		if content == "" {
			b = wavBytes(t, ramp(1600))
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// ramp is n samples k/32768, exactly representable in 16-bit PCM.
func ramp(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%1000) / 32768
	}
	return x
}

func wavBytes(t *testing.T, x []float32) []byte {
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, x, 16000); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ids lists UttID/Speaker/Group of items.
func ids(items []Item) [][3]string {
	var out [][3]string
	for _, it := range items {
		out = append(out, [3]string{it.UttID, it.Speaker, it.Group})
	}
	return out
}

// layoutCase is a small corpus of one layout and the items Scan finds in it.
type layoutCase struct {
	name   string
	files  map[string]string
	layout Layout // detected
	want   [][3]string
}

var layoutCases = []layoutCase{
	{"voxceleb1", map[string]string{
		"id10270/x6uYqmx31kE/00001.wav": "", "id10270/8jEAjG6SegY/00008.wav": "",
		"id10271/1gtz-CUIygI/00001.wav": "", "README.txt": "x", "id10271/notes.wav": "",
	}, VoxCeleb, [][3]string{
		{"id10270/8jEAjG6SegY/00008", "id10270", "id10270"}, {"id10270/x6uYqmx31kE/00001", "id10270", "id10270"},
		{"id10271/1gtz-CUIygI/00001", "id10271", "id10271"}}},
	{"timit", map[string]string{
		"TRAIN/DR1/FCJF0/SA1.WAV": "", "TRAIN/DR1/FCJF0/SA1.PHN": "x", "train/dr2/mabc0/si100.wav": "",
		"TEST/DR1/FAKS0/SX43.WAV": "", "TEST/DR1/FAKS0/SX43.WAV.wav": "",
	}, TIMIT, [][3]string{{"FAKS0_SX43", "FAKS0", "FAKS0"}, {"FCJF0_SA1", "FCJF0", "FCJF0"}, {"MABC0_SI100", "MABC0", "MABC0"}}},
	{"librispeech", map[string]string{
		"19/198/19-198-0001.flac": "fLaC", "19/198/19-198-0002.flac": "fLaC", "19/198/19-198.trans.txt": "x",
		"26/495/26-495-0000.flac": "fLaC",
	}, LibriSpeech, [][3]string{{"19-198-0001", "19", "19"}, {"19-198-0002", "19", "19"}, {"26-495-0000", "26", "26"}}},
	{"plain with groups", map[string]string{
		"alice/a.wav": "", "alice/sub/b.flac": "fLaC", "bob/c.WAV": "",
		"speakers.tsv": "speaker\tbase_voice\tengine\nalice\tvoiceA\tx\n",
	}, Plain, [][3]string{{"alice/a", "alice", "voiceA"}, {"alice/sub/b", "alice", "voiceA"}, {"bob/c", "bob", "bob"}}},
	{"kaldi", map[string]string{
		"wav/r1.wav": "", "wav/r2.wav": "",
		"data/wav.scp":  "r1 wav/r1.wav\nr2 wav/r2.wav\n",
		"data/utt2spk":  "s1-r1-a s1\ns1-r1-b s1\ns2-r2-a s2\n",
		"data/segments": "s1-r1-a r1 0.00 0.05\ns1-r1-b r1 0.05 0.10\ns2-r2-a r2 0.02 -1\n",
	}, Kaldi, [][3]string{{"s1-r1-a", "s1", "s1"}, {"s1-r1-b", "s1", "s1"}, {"s2-r2-a", "s2", "s2"}}},
}

func TestScanLayouts(t *testing.T) {
	for _, tc := range layoutCases {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t, tc.files)
			if tc.layout == Kaldi {
				root = filepath.Join(root, "data")
			}
			checkScan(t, root, tc)
		})
	}
}

// checkScan checks that Detect and Scan(Auto) of root give tc's layout and
// items, and that every item's path exists.
func checkScan(t *testing.T, root string, tc layoutCase) {
	t.Helper()
	got, err := Detect(root)
	if err != nil || got != tc.layout {
		t.Fatalf("Detect = %q, %v; want %q", got, err, tc.layout)
	}
	items, err := Scan(root, Auto)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tc.want, ids(items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	for _, it := range items {
		if _, err := os.Stat(it.Path); err != nil {
			t.Errorf("%s: path %s: %v", it.UttID, it.Path, err)
		}
	}
}

func TestScanErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		layout Layout
		want   string
	}{
		{"empty", map[string]string{"notes.txt": "x"}, Auto, "no audio files"},
		{"pipe refused", map[string]string{"wav.scp": "r1 sox x.wav -t wav - |\n", "utt2spk": "r1 s\n"}, Kaldi, "line 1: recording r1 is a command"},
		{"utterance without speaker", map[string]string{"wav.scp": "r1 /x.wav\nr2 /y.wav\n", "utt2spk": "r1 s\n"}, Kaldi, `"r2" has no speaker`},
		{"bad segment", map[string]string{"wav.scp": "r1 /x.wav\n", "utt2spk": "u s\n", "segments": "u r1 2.0 1.0\n"}, Kaldi, "segments line 1: bad start/end"},
		{"unknown recording", map[string]string{"wav.scp": "r1 /x.wav\n", "utt2spk": "u s\n", "segments": "u r9 0 1\n"}, Kaldi, `recording "r9" is not in wav.scp`},
		{"duplicate key", map[string]string{"wav.scp": "r1 /x.wav\nr1 /y.wav\n", "utt2spk": "r1 s\n"}, Kaldi, "wav.scp line 2"},
		{"loose files beside speakers", map[string]string{"a/x.wav": "", "b/y.wav": "", "top.wav": "", "Other.FLAC": "fLaC", "notes.txt": "x"}, Auto,
			"audio files directly in it, beside the speaker directories of a plain corpus (Other.FLAC, top.wav): a corpus keeps every file in its speaker's directory (<speaker>/<utterance>.wav"},
		{"loose files, many", map[string]string{"id10001/v/00001.wav": "", "1.wav": "", "2.wav": "", "3.wav": "", "4.wav": "", "5.wav": "", "6.wav": "", "7.wav": ""}, VoxCeleb,
			"a voxceleb corpus (1.wav, 2.wav, 3.wav, 4.wav, 5.wav, and 2 more): a corpus keeps every file in its speaker's directory (id<digits>/<video>/<utterance>.wav)"},
		{"loose files, layout given", map[string]string{"a.wav": "", "b.wav": ""}, Plain, "beside the speaker directories of a plain corpus (a.wav, b.wav)"},
		{"speakers.tsv header", map[string]string{"a/x.wav": "", "speakers.tsv": "spk\tgrp\n"}, Plain, "speakers.tsv line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Scan(tree(t, tc.files), tc.layout)
			if err == nil || !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Scan error %v, want ErrBadData containing %q", err, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	root := tree(t, map[string]string{"r1.wav": ""})
	wav := filepath.Join(root, "r1.wav")
	full := ramp(1600)
	for _, tc := range []struct {
		name string
		it   Item
		want []float32 // from the ramp the file holds (16 kHz)
	}{
		{"file", Item{Path: wav}, full},
		{"segment", Item{Path: wav, Start: 0.01, End: 0.02}, full[160:320]},
		{"segment to end", Item{Path: wav, Start: 0.05}, full[800:]},
		{"sh pipe", Item{Path: "cat '" + wav + "' |"}, full},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := Load(context.Background(), tc.it, 16000)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, x); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Load(context.Background(), Item{Path: wav, Start: 1}, 16000); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("segment past the end: %v", err)
	}
	if _, err := Load(context.Background(), Item{Path: "false |"}, 16000); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("failing command: %v", err)
	}
}

func TestPipesAllowed(t *testing.T) {
	root := tree(t, map[string]string{"x.wav": "", "d/wav.scp": "r1 cat x.wav |\n", "d/utt2spk": "r1 s\n"})
	items, err := ScanWith(filepath.Join(root, "d"), Auto, Options{AllowPipes: true})
	if err != nil || len(items) != 1 || items[0].Path != "cat x.wav |" {
		t.Fatalf("ScanWith(AllowPipes) = %v, %v", items, err)
	}
}

func TestM4A(t *testing.T) {
	root := tree(t, map[string]string{"id10001/vid/00001.m4a": "not audio"})
	_, err := Scan(root, Auto)
	if _, lookErr := exec.LookPath("ffmpeg"); lookErr != nil {
		if err == nil || !strings.Contains(err.Error(), "needs ffmpeg") {
			t.Errorf("without ffmpeg: Scan error %v, want one naming ffmpeg", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), Item{Path: filepath.Join(root, "id10001/vid/00001.m4a")}, 16000); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("corrupt .m4a: %v", err)
	}
}
