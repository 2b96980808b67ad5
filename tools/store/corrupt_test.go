package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestOpenDetectsCorruption damages a valid store one way at a time; Open
// must fail with ErrBadData naming the file and the defect.
func TestOpenDetectsCorruption(t *testing.T) {
	edit := func(name, old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			b, _ := os.ReadFile(p)
			if !strings.Contains(string(b), old) {
				t.Fatalf("%s has no %q", name, old)
			}
			os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string // substrings of the error
	}{
		{"missing features.json", func(t *testing.T, d string) { os.Remove(filepath.Join(d, FeaturesFile)) }, []string{"missing features.json"}},
		{"truncated frames", func(t *testing.T, d string) {
			p := filepath.Join(d, FramesFile)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-3)
		}, []string{"frames.npy", "size", "needs"}},
		{"bad magic", edit(FramesFile, "NUMPY", "NUMPZ"), []string{"frames.npy", "bad magic"}},
		{"fortran order", edit(FramesFile, "False, 'shape': (", "True, 'shape': ( "), []string{"frames.npy", "not C order"}},
		{"float64", edit(FramesFile, "<f4", "<f8"), []string{"frames.npy", "unsupported dtype"}},
		{"manifest header", edit(ManifestFile, "utt_id", "utt"), []string{"manifest.tsv line 1", "header"}},
		{"gap in rows", edit(ManifestFile, "\t3\t", "\t4\t"), []string{"manifest.tsv line", "first_row"}},
		{"bad num_rows", edit(ManifestFile, "\t0\t3\t", "\t0\tx\t"), []string{"manifest.tsv line 2", "num_rows"}},
		{"duplicate id", edit(ManifestFile, "spk1-u001", "spk0-u000"), []string{"manifest.tsv line 3", "duplicate"}},
		{"rows beyond frames", func(t *testing.T, d string) {
			f, _ := os.OpenFile(filepath.Join(d, ManifestFile), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("x\tspk0\t" + "25\t1\tx.wav\t0.1\n")
			f.Close()
		}, []string{"manifest.tsv", "covers 26 frames", "has 25"}},
		{"speaker without group", edit(SpeakersFile, "spk1\tspk1\n", ""), []string{"speakers.tsv", `"spk1"`, "no group"}},
		{"features.json not JSON", edit(FeaturesFile, "}", ""), []string{"features.json", "not valid JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// rows: 3, 4, 7, 11 frames (first rows 0, 3, 7, 14); 25 in all
			utts := synthUtts(4, 2, 1)
			for i, n := range []int{3, 4, 7, 11} {
				utts[i].frames = utts[i].frames[:0]
				utts[i].frames = append(utts[i].frames, make([]float32, 2*n)...)
			}
			dir := build(t, utts, Options{NMels: 2, FeatureConfig: map[string]int{"a": 1}})
			tc.damage(t, dir)
			s, err := Open(dir)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, errs.ErrBadData) {
				t.Errorf("error %v is not ErrBadData", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
