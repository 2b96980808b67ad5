package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/embed/defaultmodel"
	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// TestDiarizeWindowEmbeddings: the windows `diarize --export-windows` writes
// (a Kaldi data directory with segments), embedded by `voxsiam embed`
// itself and clustered with --window-embeddings at the shipped model's
// calibrated threshold, give byte for byte the RTTMs of plain diarize, for
// both recordings at once and for one of them alone (the other's rows
// noted and ignored). Embeddings that are not of these windows — a row
// missing, a row of a window diarize does not cut, the rows of another
// recording only — are usage errors naming the window; --window-embeddings
// with another embedder or without a threshold is refused.
func TestDiarizeWindowEmbeddings(t *testing.T) {
	dir := t.TempDir()
	recA, _ := conversation(t, dir, "conv a", [][2]float64{{0, 3}, {1, 4}, {0, 2.5}, {2, 3}, {1, 2}})
	recB, _ := conversation(t, dir, "convb", [][2]float64{{2, 3}, {0, 2}, {2, 2.5}, {1, 3}})
	model, err := defaultmodel.Dir()
	if err != nil {
		t.Fatal(err)
	}
	cal := filepath.Join(model, "assets", eval.CalibrationAsset)
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		so, se, code := runCLI3(args...)
		if code != want {
			t.Fatalf("%s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, so, se)
		}
		return so, se
	}
	plain := filepath.Join(dir, "plain")
	run(0, "diarize", "--out", plain, recA, recB)

	exp := filepath.Join(dir, "exp")
	so, _ := run(0, "diarize", "--export-windows", "--out", exp, recA, recB)
	win := filepath.Join(exp, windowsDir)
	if !strings.Contains(so, "of 2 recordings in "+win) {
		t.Errorf("export: %s", so)
	}
	if _, err := os.Stat(filepath.Join(exp, "all.rttm")); err == nil {
		t.Error("--export-windows diarized too")
	}
	segs := readLines(t, filepath.Join(win, "segments"))
	for _, l := range segs {
		f := strings.Fields(l)
		if len(f) != 4 || windowRecordingOf(f[0]) != f[1] || (f[1] != "conv_a" && f[1] != "convb") {
			t.Fatalf("segments row %q", l)
		}
	}
	if got := readLines(t, filepath.Join(win, "wav.scp")); len(got) != 2 || !strings.HasPrefix(got[0], "conv_a /") {
		t.Errorf("wav.scp %q", got)
	}
	emb := filepath.Join(dir, "emb")
	run(0, "embed", "--in", win, "--out", emb)
	set, err := vecio.ReadDir(emb)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != len(segs) {
		t.Fatalf("%d rows embedded of %d windows", set.Len(), len(segs))
	}

	same := func(out string, recs ...string) {
		t.Helper()
		for _, r := range recs {
			a, b := readFile(t, filepath.Join(plain, r+".rttm")), readFile(t, filepath.Join(out, r+".rttm"))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s.rttm differs from plain diarize's:\n%s\nplain:\n%s", r, b, a)
			}
		}
	}
	both := filepath.Join(dir, "both")
	run(0, "diarize", "--out", both, "--window-embeddings", emb, "--calibration", cal, recA, recB)
	same(both, "conv_a", "convb", "all")
	one := filepath.Join(dir, "one")
	_, se := run(0, "diarize", "--out", one, "--window-embeddings", emb, "--calibration", cal, recB)
	same(one, "convb")
	if !strings.Contains(se, "rows of --window-embeddings "+emb+" are not windows of the recordings diarized (first: conv_a-") {
		t.Errorf("rows of the recording not given: no note\n%s", se)
	}

	subset := func(name string, keep func(id string) bool, extra ...string) string {
		var ids []string
		var rows []float32
		for i, id := range set.IDs {
			if keep(id) {
				ids, rows = append(ids, id), append(rows, set.Row(i)...)
			}
		}
		for _, id := range extra {
			ids, rows = append(ids, id), append(rows, set.Row(0)...)
		}
		p := filepath.Join(dir, name)
		if err := vecio.WriteDir(p, ids, rows, set.Dim, vecio.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := set.IDs[len(set.IDs)-1]
	for _, c := range []struct {
		name, emb, want string
	}{
		{"missing", subset("missing", func(id string) bool { return id != gone }), "has no row of window " + gone + " ("},
		{"extra", subset("extra", func(string) bool { return true }, "convb-00000000-00000123"), "has a row of window convb-00000000-00000123, which diarize does not cut from convb"},
		{"other recording", subset("other", func(id string) bool { return windowRecordingOf(id) == "conv_a" }), "none of recording convb (its rows are of conv_a)"},
	} {
		_, se := run(exitUsage, "diarize", "--out", filepath.Join(dir, "bad-"+c.name), "--window-embeddings", c.emb, "--calibration", cal, recA, recB)
		if !strings.Contains(se, c.want) {
			t.Errorf("%s: want %q in\n%s", c.name, c.want, se)
		}
	}
	if _, se := run(exitUsage, "diarize", "--out", one, "--window-embeddings", emb, recB); !strings.Contains(se, "needs the threshold of its embedder") {
		t.Errorf("no threshold: %s", se)
	}
	if _, se := run(exitUsage, "diarize", "--out", one, "--window-embeddings", emb, "--embedder", "baseline", "--speakers", "2", recB); !strings.Contains(se, "replaces the embedder") {
		t.Errorf("with --embedder: %s", se)
	}
	if _, se := run(exitData, "diarize", "--out", one, "--window-embeddings", filepath.Join(dir, "nothing"), "--speakers", "2", recB); !strings.Contains(se, filepath.Join(dir, "nothing")) {
		t.Errorf("missing directory: %s", se)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readLines(t *testing.T, p string) []string {
	t.Helper()
	return strings.Split(strings.TrimSpace(string(readFile(t, p))), "\n")
}
