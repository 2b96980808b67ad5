package source

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestOpenFlat: a folder of audio files and no subdirectories opens as
// one utterance per file, speakers unknown; with a utt2spk its speakers
// are read and can be selected; a file missing from the utt2spk and a
// speaker selection without one are data errors; a folder with a
// subdirectory is a corpus, not flat.
func TestOpenFlat(t *testing.T) {
	corpus := testCorpus(t)
	flat := filepath.Join(t.TempDir(), "flat")
	for _, f := range []string{"spkA/a1.wav", "spkB/b1.wav"} {
		b, err := os.ReadFile(filepath.Join(corpus, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(flat, filepath.Base(f)), b)
	}
	writeFile(t, filepath.Join(flat, "notes.txt"), []byte("not audio"))
	open := func(keep map[string]bool) (*Set, error) {
		return Open([]string{flat}, "auto", feature.DefaultConfig(), keep)
	}
	set, err := open(nil)
	if err != nil || len(set.Inputs) != 2 || set.Inputs[0].ID != "a1" || set.Inputs[0].Speaker != "" {
		t.Fatalf("flat folder: %+v, %v", set, err)
	}
	if _, err := open(map[string]bool{"x": true}); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("selection without utt2spk: %v", err)
	}
	writeFile(t, filepath.Join(flat, Utt2SpkFile), []byte("a1 ann\nb1 ben\n"))
	set, err = open(map[string]bool{"ben": true})
	if err != nil || len(set.Inputs) != 1 || set.Inputs[0].ID != "b1" || set.Inputs[0].Speaker != "ben" {
		t.Fatalf("with utt2spk, keep ben: %+v, %v", set, err)
	}
	writeFile(t, filepath.Join(flat, Utt2SpkFile), []byte("a1 ann\n"))
	if _, err := open(nil); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("b1 missing from utt2spk: %v", err)
	}
	if files, err := Flat(corpus); err != nil || files != nil {
		t.Errorf("Flat(corpus) = %v, %v, want nil", files, err)
	}
}
