package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestResume interrupts a writer in three ways and checks that Create picks
// up exactly the complete utterances, then finishes to the same store an
// uninterrupted run writes.
func TestResume(t *testing.T) {
	utts := synthUtts(6, 8, 5)
	for _, tc := range []struct {
		name    string
		damage  func(t *testing.T, part string) // simulates how the run died
		resumed int                             // utterances expected back
	}{
		{"clean close", func(*testing.T, string) {}, 4},
		{"frames cut mid-utterance", func(t *testing.T, part string) {
			p := filepath.Join(part, FramesFile)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-8*4) // last frame of utterance 3 lost
		}, 3},
		{"half-written manifest line", func(t *testing.T, part string) {
			f, _ := os.OpenFile(filepath.Join(part, ManifestFile), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("spk0-u999\tspk0\t9")
			f.Close()
		}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "s")
			opts := Options{NMels: 8, FeatureConfig: map[string]int{"hop": 160}}
			w, err := Create(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			addAll(t, w, utts[:4])
			w.SetGroup("spk1", "voiceB")
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir); !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), ".partial exists") {
				t.Errorf("Open of an unfinished store: %v", err)
			}
			tc.damage(t, dir+".partial")
			w, err = Create(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(w.Resumed()); n != tc.resumed {
				t.Fatalf("resumed %d utterances, want %d", n, tc.resumed)
			}
			for i, x := range utts {
				if w.Done(x.u.Source) != (i < tc.resumed) || w.Has(x.u.ID) != (i < tc.resumed) {
					t.Errorf("Done(%s), Has(%s) = %v, %v", x.u.Source, x.u.ID, w.Done(x.u.Source), w.Has(x.u.ID))
				}
				if i >= tc.resumed {
					if err := w.Add(x.u, x.frames); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			checkStore(t, dir, utts, map[string]string{"spk0": "spk0", "spk1": "voiceB"})
		})
	}
}

// checkStore opens dir and compares it with utts, exactly.
func checkStore(t *testing.T, dir string, utts []testUtt, groups map[string]string) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Utterances()) != len(utts) {
		t.Fatalf("%d utterances, want %d", len(s.Utterances()), len(utts))
	}
	for i, u := range s.Utterances() {
		if u.ID != utts[i].u.ID || maxDiff(s.Frames(u, nil), utts[i].frames) != 0 {
			t.Errorf("utterance %d: %s differs", i, u.ID)
		}
	}
	for k, v := range groups {
		if s.Groups()[k] != v {
			t.Errorf("group of %s = %q, want %q", k, s.Groups()[k], v)
		}
	}
}

func TestResumeRefusesOtherConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	w, err := Create(dir, Options{NMels: 8, FeatureConfig: map[string]int{"hop": 160}})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, w, synthUtts(2, 8, 1))
	w.Close()
	for name, o := range map[string]Options{
		"feature config": {NMels: 8, FeatureConfig: map[string]int{"hop": 80}},
		"n_mels":         {NMels: 4, FeatureConfig: map[string]int{"hop": 160}},
		"dtype":          {NMels: 8, Float16: true, FeatureConfig: map[string]int{"hop": 160}},
	} {
		if _, err := Create(dir, o); err == nil || !strings.Contains(err.Error(), "--restart") {
			t.Errorf("%s changed: Create = %v, want an error suggesting --restart", name, err)
		}
	}
	w, err = Create(dir, Options{NMels: 4, Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Resumed()) != 0 {
		t.Errorf("Restart resumed %d utterances", len(w.Resumed()))
	}
	w.Abort()
}
