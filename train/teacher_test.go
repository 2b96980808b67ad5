package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
)

// writeTeacher writes a teacher directory for the utterances ids of the
// tiny store (speaker spkNN's rows: a basis vector NN mod dim plus noise)
// in embed's layout, or Kaldi's with kaldi.
func writeTeacher(t *testing.T, dir string, ids []string, dim int, kaldi bool) string {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(dim), 3))
	emb := make([]float32, len(ids)*dim)
	for i, id := range ids {
		var k int
		fmt.Sscanf(id, "spk%02d", &k)
		for d := 0; d < dim; d++ {
			emb[i*dim+d] = float32(0.1 * r.NormFloat64())
		}
		emb[i*dim+k%dim]++
	}
	if kaldi {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := vecio.WriteArkScp(filepath.Join(dir, vecio.ArkFile), filepath.Join(dir, vecio.ScpFile), ids, emb, dim); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	if err := vecio.WriteDir(dir, ids, emb, dim, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// storeIDs lists the store's utterance ids, those for which drop is
// true left out.
func storeIDs(t *testing.T, st *store.Store, drop func(id string) bool) []string {
	var ids []string
	for _, u := range st.Utterances() {
		if drop == nil || !drop(u.ID) {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// TestLoadTeacherAlignment: a teacher keyed by the store's ids loads (npy
// and Kaldi scp layouts); a missing training utterance, an id the store
// lacks, a changed dimension, a zero embedding and a corpus changed since
// the teacher ran (teacher.json's manifest hash, utt2num_frames' row
// counts) are errors naming the teacher file or directory and the ids;
// teacher_missing "skip" takes the missing utterance as skipped.
func TestLoadTeacherAlignment(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(writeTinyStore(t, dir, 4))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	train := []string{"spk00", "spk01", "spk02"} // spk03 is held out
	sum := sha256.Sum256(must(os.ReadFile(filepath.Join(st.Dir(), store.ManifestFile))))
	manifestHash := hex.EncodeToString(sum[:])
	all := storeIDs(t, st, nil)
	cases := []struct {
		name    string
		ids     []string
		dim     int    // teacher's dimension
		run     int    // dimension recorded by the run (0: fresh)
		missing string // teacher_missing
		kaldi   bool
		files   map[string]string // extra files in the teacher dir
		want    []string          // substrings of the error; nil = loads
		bad     error             // the error's class
	}{
		{name: "all ids", ids: all, dim: 6},
		{name: "kaldi scp", ids: all, dim: 6, kaldi: true},
		{name: "held-out speaker absent", ids: storeIDs(t, st, func(id string) bool { return strings.HasPrefix(id, "spk03") }), dim: 6},
		{name: "stamped", ids: all, dim: 6, files: map[string]string{TeacherMetaFile: `{"store_manifest_sha256": "` + manifestHash + `"}`}},
		{name: "missing id", ids: all[1:], dim: 6, want: []string{"no embedding for 1 training utterances", "spk00-u0", "teacher_missing"}, bad: errs.ErrBadData},
		{name: "missing id skipped", ids: all[1:], dim: 6, missing: "skip"},
		{name: "extra id", ids: append(append([]string{}, all...), "spk09-u7", "ghost"), dim: 6, want: []string{"2 of its 14 ids are no utterance", "spk09-u7, ghost"}, bad: errs.ErrBadData},
		{name: "dimension changed", ids: all, dim: 6, run: 8, want: []string{"dimension 6", "dimension 8", "teacher_dim"}, bad: errs.ErrUsage},
		{name: "corpus changed (manifest)", ids: all, dim: 6, files: map[string]string{TeacherMetaFile: `{"store_manifest_sha256": "00ff"}`},
			want: []string{TeacherMetaFile, "sha256 00ff", manifestHash, "corpus changed"}, bad: errs.ErrBadData},
		{name: "corpus changed (rows)", ids: all, dim: 6, files: map[string]string{TeacherFramesFile: fmt.Sprintf("spk01-u2 %d\nspk00-u0 %d\n", 999, st.Utterances()[0].Rows)},
			want: []string{TeacherFramesFile, "1 utterances have another row count", "spk01-u2: 999 then"}, bad: errs.ErrBadData},
		{name: "bad stamp", ids: all, dim: 6, files: map[string]string{TeacherMetaFile: `{"store": 1}`}, want: []string{TeacherMetaFile, "store_manifest_sha256"}, bad: errs.ErrBadData},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tdir := writeTeacher(t, filepath.Join(dir, fmt.Sprint("teacher", i)), c.ids, c.dim, c.kaldi)
			for name, text := range c.files {
				if err := os.WriteFile(filepath.Join(tdir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			missing := c.missing
			if missing == "" {
				missing = "error"
			}
			tc, err := LoadTeacher(tdir, st, train, 10, missing, c.run)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if tc.Dim != c.dim || tc.Row("spk01-u1") == nil || (c.missing == "skip") != (len(tc.Skipped) == 1) {
					t.Fatalf("teacher: dim %d, row of spk01-u1 %v, skipped %v", tc.Dim, tc.Row("spk01-u1"), tc.Skipped)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded, want an error with %q", c.want)
			}
			for _, w := range append([]string{tdir}, c.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !errors.Is(err, c.bad) {
				t.Errorf("error %q does not wrap %v", err, c.bad)
			}
		})
	}
	t.Run("zero embedding", func(t *testing.T) {
		tdir := filepath.Join(dir, "zero")
		emb := make([]float32, len(all)*3)
		for i := range emb {
			emb[i] = 1
		}
		clear(emb[3:6]) // spk00-u1
		if err := vecio.WriteDir(tdir, all, emb, 3, vecio.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTeacher(tdir, st, train, 10, "error", 0); err == nil || !strings.Contains(err.Error(), `"spk00-u1" is not finite or zero`) {
			t.Fatalf("zero embedding: %v", err)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// teacherConfig is tinyConfig with a teacher of dimension dim for every
// utterance of the store and distillation form.
func teacherConfig(t *testing.T, dir, feats string, form string, dim int) Config {
	st, err := store.Open(feats)
	if err != nil {
		t.Fatal(err)
	}
	ids := storeIDs(t, st, nil)
	st.Close()
	cfg := tinyConfig(feats)
	cfg.Train.Teacher = writeTeacher(t, filepath.Join(dir, fmt.Sprintf("teacher-%d", dim)), ids, dim, false)
	cfg.Model.Distill, cfg.Model.DistillWeight = form, 2
	return cfg
}

// TestResumeWithTeacher: a distillation run (both forms) stopped at step
// 10 and resumed to 20 logs the loss, distill_loss and validation curve of
// an unbroken 20-step run (1e-5, as TestResumeAfterKill); its config.toml
// records teacher_dim, and resuming with a teacher of another dimension
// is refused naming it.
func TestResumeWithTeacher(t *testing.T) {
	dir := t.TempDir()
	feats := writeTinyStore(t, dir, 10)
	for _, form := range []string{"relational", "regression"} {
		t.Run(form, func(t *testing.T) {
			cfg := teacherConfig(t, dir, feats, form, 6)
			cfg.Train.Steps = 20
			ref := filepath.Join(dir, form+"-ref")
			if err := Run(context.Background(), cfg, ref, io.Discard); err != nil {
				t.Fatal(err)
			}
			want := lossCurve(t, ref)
			if _, ok := want[1]["distill_loss"]; !ok {
				t.Fatalf("step 1 logs no distill_loss: %v", want[1])
			}
			run := filepath.Join(dir, form+"-resumed")
			half := cfg
			half.Train.Steps = 10
			if err := Run(context.Background(), half, run, io.Discard); err != nil {
				t.Fatal(err)
			}
			rec, err := LoadConfig(filepath.Join(run, ConfigFile))
			if err != nil || rec.Model.TeacherDim != 6 {
				t.Fatalf("config.toml teacher_dim %d (%v), want 6", rec.Model.TeacherDim, err)
			}
			rec.Train.Steps = 20
			if err := Resume(context.Background(), run, &rec, io.Discard); err != nil {
				t.Fatal(err)
			}
			compareCurves(t, want, lossCurve(t, run), cfg.Train.Steps)
			other := teacherConfig(t, dir, feats, form, 5)
			rec.Train.Teacher, rec.Train.Steps = other.Train.Teacher, 30
			err = Resume(context.Background(), run, &rec, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "dimension 5") || !strings.Contains(err.Error(), other.Train.Teacher) {
				t.Fatalf("resume with a 5-d teacher: %v, want a dimension error naming it", err)
			}
		})
	}
}

// TestSamplerTeacherRows: with a teacher every segment of a batch carries
// the embedding of the utterance its store rows belong to, and mask 1;
// under teacher_missing "skip" the segments of the utterance without one
// carry zeros and mask 0. Random and pk batches.
func TestSamplerTeacherRows(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(writeTinyStore(t, dir, 4))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	spk := []string{"spk00", "spk01", "spk02", "spk03"}
	ids := storeIDs(t, st, func(id string) bool { return id == "spk02-u1" })
	tc, err := LoadTeacher(writeTeacher(t, filepath.Join(dir, "teacher"), ids, 4, false), st, spk, 10, "skip", 0)
	if err != nil {
		t.Fatal(err)
	}
	uttOf := func(row int64) store.Utterance {
		for _, u := range st.Utterances() {
			if row >= u.First && row < u.First+u.Rows {
				return u
			}
		}
		t.Fatalf("row %d in no utterance", row)
		return store.Utterance{}
	}
	for _, sampling := range []string{"random", "pk"} {
		o := DefaultConfig().Train
		o.Batch, o.Segment, o.Sampling, o.PerSpeaker = 40, 10, sampling, 4
		s, err := NewSampler(st, spk, o)
		if err != nil {
			t.Fatal(err)
		}
		s.SetTeacher(tc)
		var b Batch
		skipped := 0
		for step := int64(0); step < 5; step++ {
			s.Make(step, &b)
			if len(b.Teacher) != b.Size*4 || len(b.TeacherMask) != b.Size {
				t.Fatalf("%s: %d teacher values, %d mask entries for %d segments", sampling, len(b.Teacher), len(b.TeacherMask), b.Size)
			}
			for j := 0; j < b.Size; j++ {
				u := uttOf(b.Rows[j])
				want, mask := tc.Row(u.ID), float32(1)
				if want == nil {
					want, mask = make([]float32, 4), 0
					skipped++
				}
				if got := b.Teacher[j*4 : (j+1)*4]; fmt.Sprint(got) != fmt.Sprint(want) || b.TeacherMask[j] != mask {
					t.Fatalf("%s step %d segment %d (%s): teacher %v mask %g, want %v mask %g", sampling, step, j, u.ID, got, b.TeacherMask[j], want, mask)
				}
			}
		}
		if skipped == 0 {
			t.Errorf("%s: no segment of spk02-u1 in 5 batches of 40", sampling)
		}
	}
}

// TestTeacherStampScript: scripts/teacher-stamp.py (run with the venv's
// python) stamps a teacher computed from store A so that it loads against
// A, and against B, a store with the same first utterances and one more
// speaker, fails as a changed corpus naming teacher.json.
func TestTeacherStampScript(t *testing.T) {
	script := string(must(os.ReadFile(filepath.Join("..", "scripts", "teacher-stamp.py"))))
	dir := t.TempDir()
	a := writeTinyStore(t, filepath.Join(dir, "a"), 4)
	b := writeTinyStore(t, filepath.Join(dir, "b"), 5)
	sa, err := store.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	sb, err := store.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	tdir := writeTeacher(t, filepath.Join(dir, "teacher"), storeIDs(t, sa, nil), 4, false)
	out := testenv.RunPython(t, script, a, tdir)
	if !strings.Contains(string(out), "12 utterances") {
		t.Fatalf("teacher-stamp.py: %s", out)
	}
	spk := []string{"spk00", "spk01"}
	if _, err := LoadTeacher(tdir, sa, spk, 10, "error", 0); err != nil {
		t.Fatalf("stamped teacher against its store: %v", err)
	}
	if _, err := LoadTeacher(tdir, sb, spk, 10, "error", 0); err == nil || !strings.Contains(err.Error(), "corpus changed") || !strings.Contains(err.Error(), TeacherMetaFile) {
		t.Fatalf("stamped teacher against another store: %v, want a changed-corpus error naming %s", err, TeacherMetaFile)
	}
}
