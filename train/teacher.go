package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Files of a teacher directory besides the embeddings (internal/vecio's
// layout: embeddings.npy + utt.list, or embeddings.scp / embeddings.ark),
// both optional; scripts/teacher-stamp.py writes them from the store the
// teacher embedded.
const (
	// TeacherMetaFile is JSON with "store_manifest_sha256": the SHA-256
	// (hex) of the store's manifest.tsv when the teacher ran
	// (`sha256sum STORE/manifest.tsv`).
	TeacherMetaFile = "teacher.json"
	// TeacherFramesFile is Kaldi's utt2num_frames: "utt rows" lines, the
	// store's row count (10 ms frames) of each utterance when the teacher
	// ran.
	TeacherFramesFile = "utt2num_frames"
)

// teacherMeta is teacher.json.
type teacherMeta struct {
	StoreManifestSHA256 string `json:"store_manifest_sha256"`
}

// Teacher holds a teacher's embeddings keyed by a store's utterance ids:
// the rows the distillation term reads, one per training utterance.
type Teacher struct {
	Dir     string
	Dim     int                  // D, the embedding width
	rows    map[string][]float32 // utterance id -> [D] embedding
	Skipped []string             // training utterances without an embedding (teacher_missing "skip"), sorted
	Stamped bool                 // the directory had teacher.json or utt2num_frames (a changed corpus is detected)
}

// Row returns the embedding of utterance id, nil when it has none.
func (t *Teacher) Row(id string) []float32 { return t.rows[id] }

// LoadTeacher reads the teacher directory dir and aligns it with st: every
// id must be an utterance of st (an id st lacks is an error: the teacher
// was computed from another corpus, or st lost utterances since), with
// st's row count when the directory has utt2num_frames, and st's
// manifest.tsv must hash to teacher.json's store_manifest_sha256 when it
// has one. Embeddings of utterances outside the training speakers (held
// out for validation or tests) are allowed and unused. Every training
// utterance long enough to be sampled (seg frames or more) of the
// speakers in train needs an embedding, unless missing is "skip" (its
// segments then take PKLD only); dim, when not 0 (the dimension a run
// recorded in config.toml), must be the teacher's. Embeddings must be
// finite and non-zero (cosines of them are taken). Errors name dir and
// the first ids concerned and wrap errs.ErrBadData (a dimension change
// errs.ErrUsage).
func LoadTeacher(dir string, st *store.Store, train []string, seg int, missing string, dim int) (*Teacher, error) {
	set, err := vecio.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("train: teacher %s: %w", dir, err)
	}
	if dim != 0 && set.Dim != dim {
		return nil, errs.Usage("train: teacher %s: embeddings of dimension %d, the run was trained with a teacher of dimension %d (config.toml [model] teacher_dim): a changed teacher needs a new run", dir, set.Dim, dim)
	}
	if err := checkStamp(dir, st); err != nil {
		return nil, err
	}
	t := &Teacher{Dir: dir, Dim: set.Dim, rows: make(map[string][]float32, set.Len())}
	t.Stamped = exists(filepath.Join(dir, TeacherMetaFile)) || exists(filepath.Join(dir, TeacherFramesFile))
	byID := make(map[string]store.Utterance, len(st.Utterances()))
	for _, u := range st.Utterances() {
		byID[u.ID] = u
	}
	var extra []string
	for i, id := range set.IDs {
		if _, ok := byID[id]; !ok {
			extra = append(extra, id)
			continue
		}
		t.rows[id] = set.Row(i)
	}
	if len(extra) > 0 {
		return nil, errs.BadData("train: teacher %s: %d of its %d ids are no utterance of store %s (%s): the teacher was computed from another corpus, or the corpus changed since", dir, len(extra), set.Len(), st.Dir(), firstIDs(extra))
	}
	return t, t.alignTraining(st, train, seg, missing)
}

// alignTraining checks the training utterances' embeddings: present (or
// skipped), finite and non-zero.
func (t *Teacher) alignTraining(st *store.Store, train []string, seg int, missing string) error {
	isTrain := make(map[string]bool, len(train))
	for _, sp := range train {
		isTrain[sp] = true
	}
	var absent []string
	for _, u := range st.Utterances() {
		if !isTrain[u.Speaker] || u.Rows < int64(seg) {
			continue
		}
		row, ok := t.rows[u.ID]
		if !ok {
			absent = append(absent, u.ID)
			continue
		}
		norm := 0.0
		for _, v := range row {
			norm += float64(v) * float64(v)
		}
		if math.IsNaN(norm) || math.IsInf(norm, 0) || norm == 0 {
			return errs.BadData("train: teacher %s: the embedding of %q is %s (norm %g): cosines of it are undefined", t.Dir, u.ID, "not finite or zero", math.Sqrt(norm))
		}
	}
	sort.Strings(absent)
	if len(absent) > 0 && missing != spec.TeacherMissingSkip {
		return errs.BadData("train: teacher %s has no embedding for %d training utterances of store %s (%s): embed them, or set [train] teacher_missing = \"skip\" to train those on PKLD only", t.Dir, len(absent), st.Dir(), firstIDs(absent))
	}
	t.Skipped = absent
	return nil
}

// checkStamp compares dir's teacher.json and utt2num_frames, when present,
// with st.
func checkStamp(dir string, st *store.Store) error {
	meta := filepath.Join(dir, TeacherMetaFile)
	if b, err := os.ReadFile(meta); err == nil {
		var m teacherMeta
		if err := json.Unmarshal(b, &m); err != nil || m.StoreManifestSHA256 == "" {
			return errs.BadData("train: teacher %s: want JSON with \"store_manifest_sha256\" (%v)", meta, err)
		}
		got, err := manifestSHA256(st)
		if err != nil {
			return err
		}
		if !strings.EqualFold(got, m.StoreManifestSHA256) {
			return errs.BadData("train: teacher %s: computed from a store whose manifest.tsv had sha256 %s, store %s's is %s now: the corpus changed since the teacher ran (recompute the teacher)", meta, m.StoreManifestSHA256, st.Dir(), got)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("train: teacher: %w", err)
	}
	return checkFrames(filepath.Join(dir, TeacherFramesFile), st)
}

// checkFrames compares utt2num_frames (when present) with st's row counts;
// its ids st lacks are left to LoadTeacher's id check.
func checkFrames(path string, st *store.Store) error {
	rows := make(map[string]int64, len(st.Utterances()))
	for _, u := range st.Utterances() {
		rows[u.ID] = u.Rows
	}
	var changed []string
	err := vecio.ScanFields(path, func(line int, f []string) error {
		if len(f) != 2 {
			return errs.BadData("train: teacher %s line %d: want \"utt num_frames\", got %d fields", path, line, len(f))
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return errs.BadData("train: teacher %s line %d: num_frames %q: %v", path, line, f[1], err)
		}
		if r, ok := rows[f[0]]; ok && r != n {
			changed = append(changed, fmt.Sprintf("%s: %d then, %d now", f[0], n, r))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		return errs.BadData("train: teacher %s: %d utterances have another row count in store %s than when the teacher ran (%s): the corpus changed since (recompute the teacher)", path, len(changed), st.Dir(), firstIDs(changed))
	}
	return nil
}

// manifestSHA256 is the hex SHA-256 of st's manifest.tsv.
func manifestSHA256(st *store.Store) (string, error) {
	b, err := os.ReadFile(filepath.Join(st.Dir(), store.ManifestFile))
	if err != nil {
		return "", fmt.Errorf("train: teacher: %w", err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// reportTeacher prints what the run takes from t: its dimension, the
// skipped utterances, and a note when nothing can tell a changed corpus.
func reportTeacher(w io.Writer, t *Teacher) {
	fmt.Fprintf(w, "teacher %s: %d-d embeddings of %d utterances", t.Dir, t.Dim, len(t.rows))
	if len(t.Skipped) > 0 {
		fmt.Fprintf(w, "; %d training utterances without one train on PKLD only (%s)", len(t.Skipped), firstIDs(t.Skipped))
	}
	fmt.Fprintln(w)
	if !t.Stamped {
		fmt.Fprintf(w, "teacher %s: no %s or %s: a corpus changed since the teacher ran goes unnoticed unless its ids changed (scripts/teacher-stamp.py writes them)\n", t.Dir, TeacherMetaFile, TeacherFramesFile)
	}
}

// firstIDs lists up to the first three of ids, and how many more.
func firstIDs(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
