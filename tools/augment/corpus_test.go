package augment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// testCorpus writes a plain corpus of speakers a, b (group g1) and c (its
// own group), two 0.5 s utterances each, and a corrupt c/bad.wav.
func testCorpus(t *testing.T) []dataset.Item {
	t.Helper()
	dir := t.TempDir()
	for i, spk := range []string{"a", "b", "c"} {
		for j := range 2 {
			var buf bytes.Buffer
			x := chirp(Rate/2, 150+50*float64(i), 900+300*float64(j), 0.4)
			if err := audio.WriteWAV(&buf, x, Rate); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, spk, []string{"u1.wav", "u2.wav"}[j])
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "c", "bad.wav"), []byte("RIFF\x10\x00\x00\x00WAVEjunk"), 0o644)
	os.WriteFile(filepath.Join(dir, "speakers.tsv"), []byte("speaker\tgroup\na\tg1\nb\tg1\nc\tc\n"), 0o644)
	items, err := dataset.Scan(dir, dataset.Auto)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// readTree maps every file under dir to its contents.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[rel] = b
		}
		return err
	})
	return files
}

func TestCorpus(t *testing.T) {
	items := testCorpus(t)
	out := filepath.Join(t.TempDir(), "aug")
	var warn bytes.Buffer
	sum, err := Corpus(context.Background(), items, out, CorpusOptions{Seed: 1, Workers: 2, Warn: &warn})
	if err != nil {
		t.Fatal(err)
	}
	const perUtt = 8 // clean + 2 speeds + noise, babble, reverb, telephone, gaineq
	if sum.Written != 6*perUtt || sum.Existing != 0 || len(sum.Skipped) != 1 || sum.Speakers != 9 {
		t.Errorf("summary %+v, want %d written, 1 skipped, 9 speakers", sum, 6*perUtt)
	}
	if len(sum.Skipped) == 1 && !strings.Contains(sum.Skipped[0].Source, "bad.wav") {
		t.Errorf("skipped %v, want c/bad.wav", sum.Skipped)
	}
	if !strings.Contains(warn.String(), "bad.wav") {
		t.Errorf("warnings do not name the bad file:\n%s", warn.String())
	}
	if sum.PerKind[KindSpeed] != 12 || sum.PerKind["clean"] != 6 || sum.PerKind[KindReverb] != 6 {
		t.Errorf("per kind %v", sum.PerKind)
	}
	got, err := dataset.Scan(out, dataset.Auto)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]dataset.Item{}
	for _, it := range got {
		ids[it.UttID] = it
	}
	for id, group := range map[string]string{"a/u1": "g1", "a/u1-reverb": "g1", "sp0.9-a/u1": "g1", "sp1.1-c/u2": "c", "c/u2-telephone": "c"} {
		if it, ok := ids[id]; !ok || it.Group != group {
			t.Errorf("output %s: %+v, want group %s", id, it, group)
		}
	}
	if len(got) != 6*perUtt {
		t.Errorf("the output corpus scans to %d utterances, want %d", len(got), 6*perUtt)
	}
	first := readTree(t, out)

	// Rerun: nothing to do. Lost files (an interrupted run): rewritten identically.
	os.Remove(filepath.Join(out, "b/u2-babble.wav"))
	os.Remove(filepath.Join(out, "sp1.1-a/u1.wav"))
	sum, err = Corpus(context.Background(), items, out, CorpusOptions{Seed: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Written != 2 || sum.Existing != 6*perUtt-2 {
		t.Errorf("resume: %d written, %d existing; want 2 and %d", sum.Written, sum.Existing, 6*perUtt-2)
	}
	if again := readTree(t, out); !equalTrees(first, again) {
		t.Error("resumed files differ from the first run's")
	}

	// Same seed elsewhere with another worker count: the same bytes; another seed: other noise.
	out2 := filepath.Join(t.TempDir(), "aug")
	if _, err := Corpus(context.Background(), items, out2, CorpusOptions{Seed: 1, Workers: 3}); err != nil {
		t.Fatal(err)
	}
	if !equalTrees(first, readTree(t, out2)) {
		t.Error("same seed, different output")
	}
	out3 := filepath.Join(t.TempDir(), "aug")
	if _, err := Corpus(context.Background(), items, out3, CorpusOptions{Seed: 2, Kinds: []string{KindNoise, KindReverb}}); err != nil {
		t.Fatal(err)
	}
	third := readTree(t, out3)
	if !bytes.Equal(third["a/u1.wav"], first["a/u1.wav"]) || bytes.Equal(third["a/u1-noise.wav"], first["a/u1-noise.wav"]) ||
		bytes.Equal(third["a/u1-reverb.wav"], first["a/u1-reverb.wav"]) {
		t.Error("seed 2: want the same clean file and other noise and reverb copies")
	}
	if _, ok := third["a/u1-babble.wav"]; ok {
		t.Error("--kinds noise,reverb wrote a babble copy")
	}
}

func equalTrees(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestCorpusStrictAndErrors(t *testing.T) {
	items := testCorpus(t)
	_, err := Corpus(context.Background(), items, t.TempDir(), CorpusOptions{Strict: true, Kinds: []string{KindNoise}})
	if err == nil || !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), "bad.wav") {
		t.Errorf("strict: error %v, want bad data naming bad.wav", err)
	}
	if _, err := Corpus(context.Background(), items, t.TempDir(), CorpusOptions{Kinds: []string{"chorus"}}); err == nil {
		t.Error("an unknown kind was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Corpus(ctx, items, t.TempDir(), CorpusOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}
}

// TestAugmentationsDeterministic: each kind's output depends only on
// (seed, utterance, kind).
func TestAugmentationsDeterministic(t *testing.T) {
	items := testCorpus(t)
	o, _ := CorpusOptions{Seed: 3}.withDefaults()
	job := &corpusJob{items: items, o: o}
	x := chirp(Rate/2, 200, 2000, 0.3)
	for _, out := range Outputs(items[0], o) {
		a, err := job.make(context.Background(), 0, x, out)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := job.make(context.Background(), 0, x, out)
		if !equal32(a, b) {
			t.Errorf("%s %s: two runs differ", out.Kind, out.Param)
		}
		if out.Kind == "clean" || out.Kind == KindSpeed {
			continue
		}
		job.o.Seed = 4
		c, _ := job.make(context.Background(), 0, x, out)
		job.o.Seed = 3
		if equal32(a, c) {
			t.Errorf("%s: seeds 3 and 4 give the same output", out.Kind)
		}
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
