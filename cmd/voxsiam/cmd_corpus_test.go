package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/store"
)

// TestCorpusSynthThenFeatures: a synthesized corpus is read by features in
// the plain layout, with base voices as groups.
func TestCorpusSynthThenFeatures(t *testing.T) {
	testenv.Require(t, "espeak-ng")
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	var out bytes.Buffer
	err := runCorpusSynth(context.Background(), corpusSynthOptions{Speakers: 3, Utterances: 2, Out: corpus,
		Seed: 1, Engines: []string{"espeak-ng"}, Workers: 2, JSON: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct{ Speakers, Utterances int }
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil || sum.Speakers != 3 || sum.Utterances != 6 {
		t.Fatalf("summary %s (%v)", out.String(), err)
	}
	st := filepath.Join(dir, "store")
	if err := runFeatures(context.Background(), featuresOptions{Layout: "auto", In: corpus, Out: st, Workers: 2, Config: smallConfig()}, io.Discard); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for spk, g := range s.Groups() {
		if len(g) < len("espeak-ng/") || g[:len("espeak-ng/")] != "espeak-ng/" {
			t.Errorf("speaker %s: group %q, want its espeak-ng base voice", spk, g)
		}
	}
	if len(s.Utterances()) != 6 {
		t.Errorf("%d utterances in the store, want 6", len(s.Utterances()))
	}
	if err := runCorpusSynth(context.Background(), corpusSynthOptions{Speakers: 1, Utterances: 1, Out: corpus}, &out); exitCode(context.Background(), err) != exitUsage {
		t.Errorf("existing --out: %v, want a usage error", err)
	}
}
