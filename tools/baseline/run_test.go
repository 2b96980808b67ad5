package baseline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/source"
	"github.com/voxsiam/voxsiam/tools/store"
)

// testCorpus writes a plain corpus (speaker/utt.wav) of two speakers with
// two 0.8 s utterances each (pausedTone, pitch by seed) and returns its
// directory and the samples of each utterance id.
func testCorpus(t *testing.T) (string, map[string][]float32) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	audioOf := map[string][]float32{}
	for k, rel := range []string{"spkA/a1", "spkA/a2", "spkB/b1", "spkB/b2"} {
		x := pausedTone(0.8, 16000, uint64(1+k/2*3))
		var buf bytes.Buffer
		if err := audio.WriteWAV(&buf, x, 16000); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, rel+".wav"), buf.Bytes())
		// the WAV holds 16-bit samples: what a reader gets back
		y, err := audio.LoadAt(filepath.Join(dir, rel+".wav"), 16000)
		if err != nil {
			t.Fatal(err)
		}
		audioOf[filepath.Base(rel)] = y
	}
	return dir, audioOf
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

// direct is the embedding of samples computed by hand: reference log-mel,
// then Embedder.Embed.
func direct(t *testing.T, x []float32, o Options) []float32 {
	t.Helper()
	ext, err := feature.NewExtractor(feature.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	frames, n := ext.Compute(nil, x)
	e, err := NewEmbedder(128, feature.KindLogMel, o)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := e.Embed(nil, frames, n)
	return v
}

func runAndWrite(t *testing.T, in []string, o RunOptions) (*Result, *vecio.Set) {
	t.Helper()
	src, err := source.Open(in, "auto", feature.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, err := Run(context.Background(), src, o)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "emb")
	if err := Write(out, res, true); err != nil {
		t.Fatal(err)
	}
	set, err := vecio.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	return res, set
}

// TestRunCorpusFilesAndStores embeds one corpus as a directory, as loose
// files, as a feature store and as its ZHAW store, and checks each against
// the hand-computed pipeline and the embeddings directory read back.
func TestRunCorpusFilesAndStores(t *testing.T) {
	corpus, audioOf := testCorpus(t)
	opts := RunOptions{Options: Options{VAD: true}, Workers: 2}
	want := map[string][]float32{}
	for id, x := range audioOf {
		want[id] = direct(t, x, opts.Options)
	}

	t.Run("corpus", func(t *testing.T) {
		res, set := runAndWrite(t, []string{corpus}, opts)
		checkSet(t, set, []string{"spkA/a1", "spkA/a2", "spkB/b1", "spkB/b2"}, want, true)
		if res.Kept >= res.Frames || res.Seconds < 3.19 || res.Seconds > 3.21 {
			t.Errorf("kept %d of %d frames, %g s of audio", res.Kept, res.Frames, res.Seconds)
		}
	})
	t.Run("files", func(t *testing.T) {
		_, set := runAndWrite(t, []string{filepath.Join(corpus, "spkB", "b2.wav"), filepath.Join(corpus, "spkA", "a1.wav")}, opts)
		checkSet(t, set, []string{"b2", "a1"}, want, false)
	})

	st := filepath.Join(t.TempDir(), "store")
	items, err := dataset.Scan(corpus, dataset.Plain)
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.Create(st, store.Options{NMels: 128, FeatureConfig: feature.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	ext, _ := feature.NewExtractor(feature.DefaultConfig())
	for _, it := range items {
		frames, _ := ext.Compute(nil, audioOf[filepath.Base(it.UttID)])
		w.SetGroup(it.Speaker, it.Speaker)
		if err := w.Add(storeUtt(it), frames); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Run("store", func(t *testing.T) {
		_, set := runAndWrite(t, []string{st}, opts)
		checkSet(t, set, []string{"spkA/a1", "spkA/a2", "spkB/b1", "spkB/b2"}, want, true)
	})
	t.Run("zhaw store", func(t *testing.T) {
		s, err := store.Open(st)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		zdir := filepath.Join(t.TempDir(), "test-zhaw")
		if _, err := dataset.DeriveZHAW(context.Background(), s, []string{"spkA", "spkB"}, zdir, nil); err != nil {
			t.Fatal(err)
		}
		// ZHAW: first part a1, last part a2 (one utterance each here)
		zwant := map[string][]float32{"zhaw-1": want["a1"], "zhaw-2": want["a2"]}
		_, set := runAndWrite(t, []string{zdir}, opts)
		if set.Len() != 4 || set.IDs[0] != "spkA/zhaw-1" || set.Utt2Spk["spkB/zhaw-2"] != "spkB" {
			t.Fatalf("ZHAW embeddings %v, utt2spk %v", set.IDs, set.Utt2Spk)
		}
		checkSet(t, set, set.IDs[:2], zwant, true)
	})
}

func storeUtt(it dataset.Item) store.Utterance {
	return store.Utterance{ID: it.UttID, Speaker: it.Speaker, Source: it.Source(), Duration: 0.8}
}

// checkSet compares the rows of set with want (keyed by the id's last path
// element) and, with speakers, checks utt2spk.
func checkSet(t *testing.T, set *vecio.Set, ids []string, want map[string][]float32, speakers bool) {
	t.Helper()
	if set.Dim != 296 || set.Len() < len(ids) {
		t.Fatalf("%d rows of %d values, want >= %d of 296", set.Len(), set.Dim, len(ids))
	}
	for i, id := range ids {
		if set.IDs[i] != id {
			t.Fatalf("row %d is %s, want %s", i, set.IDs[i], id)
		}
		w := want[filepath.Base(id)]
		for j, v := range set.Row(i) {
			if d := v - w[j]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("%s value %d: %g, direct pipeline %g", id, j, v, w[j])
			}
		}
		if spk := set.Utt2Spk[id]; speakers != (spk != "" && strings.HasPrefix(id, spk+"/")) {
			t.Errorf("%s: speaker %q", id, spk)
		}
	}
}

// TestRunBadInputs: a corrupt file is skipped with its defect, or with
// Strict fails the run naming the file; a frame-less utterance is skipped.
func TestRunBadInputs(t *testing.T) {
	corpus, _ := testCorpus(t)
	bad := filepath.Join(corpus, "spkB", "bad.wav")
	writeFile(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	src, err := source.Open([]string{corpus}, "plain", feature.DefaultConfig(), map[string]bool{"spkB": true})
	if err != nil {
		t.Fatal(err)
	}
	src.Inputs = append(src.Inputs, source.Input{ID: "empty", Source: "empty.wav",
		Load: func(context.Context) ([]float32, int, float64, error) { return nil, 0, 0, nil }})
	var seen int
	res, err := Run(context.Background(), src, RunOptions{Progress: func(source.Input) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 2 || seen != 4 || len(res.Skipped) != 2 {
		t.Fatalf("ids %v, %d progress calls, skipped %+v", res.IDs, seen, res.Skipped)
	}
	if res.Skipped[0].Source != bad || res.Skipped[1].Source != "empty.wav" || !strings.Contains(res.Skipped[1].Reason, "no frames") {
		t.Errorf("skipped %+v", res.Skipped)
	}
	if len(res.Utt2Spk) != 2 {
		t.Errorf("utt2spk %v: the unlabelled input has no speaker", res.Utt2Spk)
	}
	_, err = Run(context.Background(), src, RunOptions{Strict: true})
	if err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, errs.ErrBadData) {
		t.Errorf("strict: %v, want an ErrBadData naming %s", err, bad)
	}
}

func TestNewEmbedderRejects(t *testing.T) {
	for _, c := range []struct {
		name  string
		kind  string
		nMels int
		o     Options
	}{
		{"unknown kind", "mfcc", 128, Options{}},
		{"more MFCCs than bands", feature.KindLogMel, 10, Options{}},
		{"negative MFCCs", feature.KindLogMel, 128, Options{NCeps: -1}},
		{"negative VAD threshold", feature.KindFbank, 128, Options{VADThresholdDB: -3}},
	} {
		if _, err := NewEmbedder(c.nMels, c.kind, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// TestRunFbankFloat16Store: a float16 store of Kaldi fbank frames is read
// with its recorded kind (the VAD inverts ln, not log10(1 + 10000 x)) and
// its frames as stored (float16-rounded).
func TestRunFbankFloat16Store(t *testing.T) {
	cfg := feature.FbankConfig()
	cfg.NMels = 40
	ext, err := feature.NewExtractor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "fbank")
	w, err := store.Create(dir, store.Options{NMels: 40, Float16: true, FeatureConfig: ext.Config()})
	if err != nil {
		t.Fatal(err)
	}
	w.SetGroup("s", "s")
	frames, n := ext.Compute(nil, pausedTone(1.5, 16000))
	if err := w.Add(store.Utterance{ID: "s/u", Speaker: "s", Source: "u.wav", Duration: 1.5}, frames); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open([]string{dir}, "auto", feature.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Features.Kind != feature.KindFbank || src.Features.NMels != 40 {
		t.Fatalf("features %+v", src.Features)
	}
	o := Options{NCeps: 13, VAD: true}
	res, err := Run(context.Background(), src, RunOptions{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stored := s.Frames(s.Utterances()[0], nil)
	e, err := NewEmbedder(40, feature.KindFbank, o)
	if err != nil {
		t.Fatal(err)
	}
	want, kept := e.Embed(nil, stored, n)
	if res.Dim != 2*40+2*13 || res.Kept != int64(kept) || kept >= n || kept == 0 {
		t.Fatalf("dim %d, kept %d (direct %d) of %d frames", res.Dim, res.Kept, kept, n)
	}
	if !equal32(res.Emb, want) {
		t.Error("store embedding differs from Embed on the stored frames")
	}
}
