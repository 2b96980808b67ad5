package ingest

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// corpus writes a plain-layout corpus of 2 speakers x 3 WAV files of a
// 0.3 s tone plus the extra files (relative path -> content) and scans it.
func corpus(t *testing.T, extra map[string]string) []dataset.Item {
	t.Helper()
	root := t.TempDir()
	x := make([]float32, 4800)
	for i := range x {
		x[i] = float32(0.3 * math.Sin(2*math.Pi*300*float64(i)/16000))
	}
	var wav bytes.Buffer
	if err := audio.WriteWAV(&wav, x, 16000); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, rel := range []string{"a/1.wav", "a/2.wav", "a/3.wav", "b/1.wav", "b/2.wav", "b/3.wav"} {
		files[rel] = wav.String()
	}
	for rel, content := range extra {
		files[rel] = content
	}
	for rel, content := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	items, err := dataset.Scan(root, dataset.Plain)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func testConfig() feature.Config {
	c := feature.DefaultConfig()
	c.NMels, c.NFFT = 40, 512
	return c
}

// TestRunSkipsAndStrict: a corrupt file is skipped and listed (the counts
// are those of the corpus written), or with Strict fails the run with a
// bad-data error naming it and leaves a partial store that resumes.
func TestRunSkipsAndStrict(t *testing.T) {
	items := corpus(t, map[string]string{"b/9-broken.wav": "RIFF\x10\x00\x00\x00WAVEjunk"})
	dir := filepath.Join(t.TempDir(), "store")
	_, err := Run(context.Background(), items, dir, Options{Feature: testConfig(), Workers: 2, Strict: true})
	if !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), "9-broken.wav") {
		t.Fatalf("strict run: %v, want a bad-data error naming 9-broken.wav", err)
	}
	var warn bytes.Buffer
	sum, err := Run(context.Background(), items, dir, Options{Feature: testConfig(), Workers: 3, Warn: &warn})
	if err != nil {
		t.Fatal(err)
	}
	// 6 good files sort before b/9-broken.wav: all were stored by the strict run.
	if sum.Speakers != 2 || sum.Utterances != 6 || sum.Resumed != 6 || sum.NMels != 40 ||
		len(sum.Skipped) != 1 || !strings.HasSuffix(sum.Skipped[0].Source, "9-broken.wav") {
		t.Errorf("summary %+v", sum)
	}
	if !strings.Contains(warn.String(), "features: skipping ") {
		t.Errorf("no skip note in %q", warn.String())
	}
	if _, err := Run(context.Background(), items, dir, Options{Feature: testConfig()}); !errors.Is(err, store.ErrExists) {
		t.Errorf("run over a complete store: %v, want store.ErrExists", err)
	}
}

// TestFeaturiseStopsOnCancel: an interrupt (cancelled context) stops the
// pipeline after the results already delivered, leaving order intact.
func TestFeaturiseStopsOnCancel(t *testing.T) {
	items := corpus(t, nil)
	e, _ := feature.NewExtractor(testConfig())
	ctx, cancel := context.WithCancel(context.Background())
	var got []string
	err := featurise(ctx, items, e, 16000, 2, func(r featResult) error {
		got = append(got, r.item.UttID)
		if len(got) == 4 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("featurise after cancel: %v", err)
	}
	if len(got) != 4 || got[0] != items[0].UttID || got[3] != items[3].UttID {
		t.Errorf("delivered %v, want the first 4 items in order", got)
	}
}
