package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/ingest"
	"github.com/voxsiam/voxsiam/tools/store"
)

// toneCorpus writes a plain-layout corpus: speakers a, b, c with utterances
// of 0.3..0.5 s of a speaker-specific tone, plus the given extra files.
func toneCorpus(t *testing.T, extra map[string]string) (string, map[string][]float32) {
	t.Helper()
	root := t.TempDir()
	audioOf := map[string][]float32{}
	for si, spk := range []string{"a", "b", "c"} {
		for u := 0; u < 3; u++ {
			x := make([]float32, 4800+1600*u)
			for i := range x {
				x[i] = float32(0.3 * math.Sin(2*math.Pi*float64(200+100*si+10*u)*float64(i)/16000))
			}
			var b bytes.Buffer
			if err := audio.WriteWAV(&b, x, 16000); err != nil {
				t.Fatal(err)
			}
			rel := filepath.Join(spk, string(rune('0'+u))+".wav")
			writeFile(t, filepath.Join(root, rel), b.Bytes())
			y, _, _ := audio.Decode(bytes.NewReader(b.Bytes()), rel)
			audioOf[spk+"/"+string(rune('0'+u))] = y
		}
	}
	for rel, content := range extra {
		writeFile(t, filepath.Join(root, rel), []byte(content))
	}
	return root, audioOf
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func smallConfig() feature.Config {
	c := feature.DefaultConfig()
	c.NMels, c.NFFT = 40, 512
	return c
}

func TestFeaturesStore(t *testing.T) {
	corrupt := "RIFF\x10\x00\x00\x00WAVEjunk"
	in, audioOf := toneCorpus(t, map[string]string{"b/zz-broken.wav": corrupt, "speakers.tsv": "speaker\tgroup\na\tg1\nb\tg1\n"})
	out := filepath.Join(t.TempDir(), "store")
	var stdout bytes.Buffer
	opts := featuresOptions{Layout: "auto", In: in, Out: out, Workers: 3, Config: smallConfig(), JSON: true}
	if err := runFeatures(context.Background(), opts, &stdout); err != nil {
		t.Fatal(err)
	}
	var sum ingest.CorpusSummary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatal(err, stdout.String())
	}
	if sum.Speakers != 3 || sum.Utterances != 9 || len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Source, "zz-broken.wav") {
		t.Fatalf("summary %+v", sum)
	}
	s, err := store.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Every utterance must hold exactly what the extractor computes for its file.
	e, _ := feature.NewExtractor(smallConfig())
	for _, u := range s.Utterances() {
		want, _ := e.Compute(nil, audioOf[u.ID])
		if diff := cmp.Diff(want, s.Frames(u, nil)); diff != "" {
			t.Errorf("%s: frames differ from feature.Compute", u.ID)
		}
	}
	if g := s.Groups(); g["a"] != "g1" || g["b"] != "g1" || g["c"] != "c" {
		t.Errorf("groups %v", g)
	}
}

func TestFeaturesStrictAndResume(t *testing.T) {
	in, _ := toneCorpus(t, map[string]string{"c/9-broken.wav": "RIFF\x10\x00\x00\x00WAVEjunk"})
	out := filepath.Join(t.TempDir(), "store")
	opts := featuresOptions{Layout: "plain", In: in, Out: out, Workers: 2, Strict: true, Config: smallConfig()}
	err := runFeatures(context.Background(), opts, io.Discard)
	if code := exitCode(context.Background(), err); code != exitData || !strings.Contains(err.Error(), "9-broken.wav") {
		t.Fatalf("strict run: exit %d, %v; want %d naming the file", code, err, exitData)
	}
	if _, err := os.Stat(out + ".partial"); err != nil {
		t.Fatalf("no partial store left to resume: %v", err)
	}
	os.Remove(filepath.Join(in, "c", "9-broken.wav"))
	var stdout bytes.Buffer
	opts.JSON = true
	if err := runFeatures(context.Background(), opts, &stdout); err != nil {
		t.Fatal(err)
	}
	var sum ingest.CorpusSummary
	json.Unmarshal(stdout.Bytes(), &sum)
	// 9 good files sort before c/9-broken.wav: all were stored before the failure.
	if sum.Resumed != 9 || sum.Utterances != 9 {
		t.Errorf("resumed %d of %d utterances, want 9 of 9", sum.Resumed, sum.Utterances)
	}
	if err := runFeatures(context.Background(), opts, &stdout); exitCode(context.Background(), err) != exitUsage {
		t.Errorf("re-run over a complete store: %v, want a usage error", err)
	}
	opts.Restart = true
	if err := runFeatures(context.Background(), opts, &stdout); err != nil {
		t.Errorf("--restart over a complete store: %v", err)
	}
}
