package source

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// testCorpus writes a plain corpus: spkA/a1.wav (0.5 s) and spkB/b1.wav
// (0.3 s) of a 220 Hz tone.
func testCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	for rel, sec := range map[string]float64{"spkA/a1.wav": 0.5, "spkB/b1.wav": 0.3} {
		x := make([]float32, int(sec*16000))
		for i := range x {
			x[i] = float32(0.3 * math.Sin(2*math.Pi*220*float64(i)/16000))
		}
		var buf bytes.Buffer
		if err := audio.WriteWAV(&buf, x, 16000); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, rel), buf.Bytes())
	}
	return dir
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testStore writes a one-utterance store of 2 bands with features.json cfg.
func testStore(t *testing.T, cfg any) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	w, err := store.Create(dir, store.Options{NMels: 2, FeatureConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	w.SetGroup("s", "s")
	if err := w.Add(store.Utterance{ID: "s/u", Speaker: "s", Source: "u.wav", Duration: 0.02}, []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOpen: each kind of input resolves to its utterances, speakers and
// feature settings, and loads the right frames.
func TestOpen(t *testing.T) {
	corpus := testCorpus(t)
	fb := feature.FbankConfig()
	fb.NMels = 2
	cases := []struct {
		name     string
		in       []string
		keep     map[string]bool
		ids      []string
		speaker  string // of the first input
		kind     string
		store    bool
		recorded bool
		frames   int // of the first input
	}{
		{"corpus", []string{corpus}, nil, []string{"spkA/a1", "spkB/b1"}, "spkA", feature.KindLogMel, false, true, 51},
		{"corpus, one speaker", []string{corpus}, map[string]bool{"spkB": true}, []string{"spkB/b1"}, "spkB", feature.KindLogMel, false, true, 31},
		{"files", []string{filepath.Join(corpus, "spkB", "b1.wav"), filepath.Join(corpus, "spkA", "a1.wav")}, nil, []string{"b1", "a1"}, "", feature.KindLogMel, false, true, 31},
		{"fbank store", []string{testStore(t, fb)}, nil, []string{"s/u"}, "s", feature.KindFbank, true, true, 2},
		{"store without settings", []string{testStore(t, nil)}, nil, []string{"s/u"}, "s", feature.KindLogMel, true, false, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := Open(c.in, "auto", feature.DefaultConfig(), c.keep)
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			var ids []string
			for _, in := range set.Inputs {
				ids = append(ids, in.ID)
			}
			if strings.Join(ids, " ") != strings.Join(c.ids, " ") || set.Inputs[0].Speaker != c.speaker {
				t.Fatalf("ids %v speaker %q, want %v %q", ids, set.Inputs[0].Speaker, c.ids, c.speaker)
			}
			if set.Features.Kind != c.kind || (set.Store != "") != c.store || set.Recorded != c.recorded {
				t.Errorf("features %s, store %q, recorded %v", set.Features.Kind, set.Store, set.Recorded)
			}
			frames, n, _, err := set.Inputs[0].Load(context.Background())
			if err != nil || n != c.frames || len(frames) != n*set.Features.NMels {
				t.Errorf("load: %d frames (%d values), err %v; want %d frames", n, len(frames), err, c.frames)
			}
		})
	}
}

// TestOpenErrors: each bad input gives an error naming it and the problem.
func TestOpenErrors(t *testing.T) {
	corpus := testCorpus(t)
	badKind := testStore(t, map[string]any{"kind": "mfcc", "n_mels": 2})
	badBands := testStore(t, map[string]any{"kind": "logmel", "n_mels": 128})
	missing := filepath.Join(corpus, "nope.wav")
	dupID := filepath.Join(corpus, "spkB", "a1.wav")
	if err := os.Link(filepath.Join(corpus, "spkA", "a1.wav"), dupID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"missing file", []string{filepath.Join(corpus, "spkA", "a1.wav"), missing}, []string{missing, "does not exist"}},
		{"directory among files", []string{filepath.Join(corpus, "spkA", "a1.wav"), corpus}, []string{corpus, "a directory among several"}},
		{"unknown feature kind", []string{badKind}, []string{badKind, "features.json", `"mfcc"`}},
		{"bands differ from frames.npy", []string{badBands}, []string{badBands, "features.json", "128 mel bands", "has 2"}},
		{"no input", nil, []string{"no input"}},
		{"one id twice", []string{filepath.Join(corpus, "spkA", "a1.wav"), dupID}, []string{filepath.Join(corpus, "spkA", "a1.wav"), dupID, `id "a1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := Open(c.in, "auto", feature.DefaultConfig(), nil)
			if err == nil {
				src.Close()
				t.Fatal("no error")
			}
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}
