package spkdb

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// TestMean: rows [3, 4] and [0, 2] normalise to [0.6, 0.8] and [0, 1],
// average to [0.3, 0.9] and normalise to [0.3162278, 0.9486833]
// (numpy: v = x / norm(x, axis=1)[:, None]; m = v.mean(0); m / norm(m)).
func TestMean(t *testing.T) {
	got := Mean([]float32{3, 4, 0, 2}, 2)
	for i, want := range []float64{0.31622777, 0.9486833} {
		if math.Abs(float64(got[i])-want) > 1e-6 {
			t.Errorf("Mean[%d] = %g, want %g", i, got[i], want)
		}
	}
}

// TestEnrollReplaceRemove: enrolling writes the documented files, a second
// enrollment of a name replaces its rows, removing deletes only that
// speaker, and a reopened database agrees with what was written.
func TestEnrollReplaceRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db, err := Open(dir, "fp1", 2, true)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Enroll("bob", []string{"000_a", "001_b"}, []float32{1, 0, 1, 0}))
	must(t, db.Enroll("alice", []string{"000_c"}, []float32{0, 3}))
	must(t, db.Enroll("bob", []string{"000_d"}, []float32{0, -1})) // replaces bob's two rows
	db, err = Open(dir, "fp1", 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Names) != 2 || db.Names[0] != "alice" || db.Names[1] != "bob" || db.Means[3] != -1 {
		t.Errorf("names %v means %v, want alice [0 1], bob [0 -1]", db.Names, db.Means)
	}
	ids, emb, err := db.Speaker("bob")
	if err != nil || len(ids) != 1 || ids[0] != "000_d" || emb[1] != -1 {
		t.Errorf("bob after re-enrolling: %v %v %v", ids, emb, err)
	}
	must(t, db.Remove("bob"))
	if _, err := os.Stat(filepath.Join(dir, SpeakersDir, "bob")); !os.IsNotExist(err) {
		t.Errorf("bob's directory is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, SpeakersDir, "alice", EmbFile)); err != nil {
		t.Errorf("alice lost: %v", err)
	}
	if err := db.Remove("carol"); !errors.Is(err, errs.ErrUsage) {
		t.Errorf("removing an unknown speaker: %v, want a usage error", err)
	}
	must(t, db.Remove("alice"))
	if db, err = Open(dir, "fp1", 2, false); err != nil || len(db.Names) != 0 {
		t.Errorf("empty database: %v %v", db, err)
	}
}

// TestOpenRefuses: a foreign directory, a corrupt db.json, means that
// disagree with the list, another model's database and a missing one are
// data errors, and every file stays as it was.
func TestOpenRefuses(t *testing.T) {
	good := func() string {
		dir := filepath.Join(t.TempDir(), "db")
		db, err := Open(dir, "fp1", 2, true)
		must(t, err)
		must(t, db.Enroll("bob", []string{"000_a"}, []float32{1, 0}))
		return dir
	}
	for _, c := range []struct {
		name  string
		setup func() (dir, model string)
	}{
		{"foreign directory", func() (string, string) {
			d := t.TempDir()
			must(t, os.WriteFile(filepath.Join(d, "thesis.tex"), []byte("mine"), 0o644))
			return d, "fp1"
		}},
		{"corrupt db.json", func() (string, string) {
			d := good()
			must(t, os.WriteFile(filepath.Join(d, MetaFile), []byte("{not json"), 0o644))
			return d, "fp1"
		}},
		{"means disagree", func() (string, string) {
			d := good()
			must(t, vecio.WriteList(filepath.Join(d, SpeakersList), []string{"bob", "eve"}))
			return d, "fp1"
		}},
		{"other model", func() (string, string) { return good(), "fp2" }},
		{"missing", func() (string, string) { return filepath.Join(t.TempDir(), "nope"), "fp1" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, model := c.setup()
			before := snapshot(t, dir)
			if _, err := Open(dir, model, 2, c.name != "missing"); !errors.Is(err, errs.ErrBadData) {
				t.Errorf("Open: %v, want a data error", err)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("files changed:\n%s\nto\n%s", before, after)
			}
		})
	}
	if err := CheckName("../etc"); !errors.Is(err, errs.ErrUsage) {
		t.Errorf("CheckName(../etc) = %v", err)
	}
}

// snapshot lists the files under dir with their sizes.
func snapshot(t *testing.T, dir string) string {
	var s string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			s += p + " " + info.ModTime().String() + "\n"
		}
		return nil
	})
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
