package spkdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// File names of a database (doc.go).
const (
	MetaFile     = "db.json"
	SpeakersDir  = "speakers"
	MeansFile    = "means.npy"
	SpeakersList = "speakers.list"
	EmbFile      = "embeddings.npy"
	UttList      = "utt.list"
	format       = "voxsiam-spkdb"
	version      = 1
)

// Meta is db.json.
type Meta struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Model    string `json:"model"` // fingerprint of the SavedModel
	Dim      int    `json:"dim"`
	Speakers int    `json:"speakers"`
}

// DB is an open database.
type DB struct {
	Dir  string
	Meta Meta
	// Names are the enrolled speakers, sorted; Means their rows, row-major
	// [len(Names), Meta.Dim], each of unit length.
	Names []string
	Means []float32
}

var reName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]*$`)

// CheckName rejects speaker names that cannot be a directory name on every
// system or a line of a list: a usage error.
func CheckName(name string) error {
	if !reName.MatchString(name) || len(name) > 200 {
		return errs.Usage("spkdb: speaker name %q: use letters, digits and . _ @ + - (not first), at most 200", name)
	}
	return nil
}

// Open reads the database in dir. With create, a dir that does not exist
// or is an empty directory opens as an empty database for model and dim
// (its files are written by the first Enroll); without, that is an
// errs.BadData error saying to enroll first.
func Open(dir, model string, dim int, create bool) (*DB, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0):
		if !create {
			return nil, errs.BadData("spkdb: %s: no speaker database there (enroll speakers first: voxsiam enroll --db %s --speaker NAME FILES...)", dir, dir)
		}
		return &DB{Dir: dir, Meta: Meta{Format: format, Version: version, Model: model, Dim: dim}}, nil
	case err != nil:
		return nil, errs.BadData("spkdb: %s: %w", dir, err)
	}
	db, err := read(dir)
	if err != nil {
		return nil, err
	}
	if model != "" && db.Meta.Model != model {
		return nil, errs.BadData("spkdb: %s was enrolled with another model (fingerprint %.12s, this model %.12s): use that model, or enroll into a new --db", dir, db.Meta.Model, model)
	}
	if dim != 0 && db.Meta.Dim != dim {
		return nil, errs.BadData("spkdb: %s holds %d-d embeddings, the model gives %d-d", dir, db.Meta.Dim, dim)
	}
	return db, nil
}

// read loads db.json, the means and the speaker list and checks that they agree.
func read(dir string) (*DB, error) {
	path := filepath.Join(dir, MetaFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.BadData("spkdb: %s is not a voxsiam speaker database (no %s); nothing was changed (give an empty or new directory to --db)", dir, MetaFile)
	}
	if err != nil {
		return nil, fmt.Errorf("spkdb: %w", err)
	}
	db := &DB{Dir: dir}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&db.Meta); err != nil {
		return nil, errs.BadData("spkdb: %s: corrupt: %v; nothing was changed", path, err)
	}
	if m := db.Meta; m.Format != format || m.Version != version || m.Dim <= 0 || m.Model == "" || m.Speakers < 0 {
		return nil, errs.BadData("spkdb: %s: format %q version %d dim %d model %q: not a voxsiam speaker database of version %d; nothing was changed", path, m.Format, m.Version, m.Dim, m.Model, version)
	}
	if db.Meta.Speakers == 0 {
		return db, nil
	}
	if db.Names, err = vecio.ReadList(filepath.Join(dir, SpeakersList)); err != nil {
		return nil, errs.AsBadData(fmt.Errorf("spkdb: %s: corrupt: %w", dir, err))
	}
	means, rows, cols, err := vecio.ReadNpy(filepath.Join(dir, MeansFile))
	if err != nil {
		return nil, errs.AsBadData(fmt.Errorf("spkdb: %s: corrupt: %w", dir, err))
	}
	if rows != len(db.Names) || rows != db.Meta.Speakers || cols != db.Meta.Dim {
		return nil, errs.BadData("spkdb: %s: corrupt: %s is [%d, %d], %s has %d speakers, %s says %d of dim %d", dir, MeansFile, rows, cols, SpeakersList, len(db.Names), MetaFile, db.Meta.Speakers, db.Meta.Dim)
	}
	db.Means = means
	return db, nil
}

// Speaker reads one enrolled speaker's utterance ids and rows.
func (db *DB) Speaker(name string) (ids []string, emb []float32, err error) {
	d := filepath.Join(db.Dir, SpeakersDir, name)
	if ids, err = vecio.ReadList(filepath.Join(d, UttList)); err != nil {
		return nil, nil, errs.AsBadData(fmt.Errorf("spkdb: speaker %s: %w", name, err))
	}
	emb, rows, cols, err := vecio.ReadNpy(filepath.Join(d, EmbFile))
	if err != nil {
		return nil, nil, errs.AsBadData(fmt.Errorf("spkdb: speaker %s: %w", name, err))
	}
	if rows != len(ids) || cols != db.Meta.Dim {
		return nil, nil, errs.BadData("spkdb: %s: %s is [%d, %d] for %d utterances of dim %d", d, EmbFile, rows, cols, len(ids), db.Meta.Dim)
	}
	return ids, emb, nil
}

// Has reports whether name is enrolled.
func (db *DB) Has(name string) bool {
	i := sort.SearchStrings(db.Names, name)
	return i < len(db.Names) && db.Names[i] == name
}

// Enroll stores name's embeddings (row-major [len(ids), dim]), replacing
// any earlier enrollment of name, and rewrites the means.
func (db *DB) Enroll(name string, ids []string, emb []float32) error {
	if err := CheckName(name); err != nil {
		return err
	}
	d := db.Meta.Dim
	if len(ids) == 0 || len(emb) != len(ids)*d {
		panic("spkdb: Enroll: rows do not match ids")
	}
	dir := filepath.Join(db.Dir, SpeakersDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("spkdb: %w", err)
	}
	if err := vecio.WriteNpy(filepath.Join(dir, EmbFile), emb, len(ids), d); err != nil {
		return err
	}
	if err := vecio.WriteList(filepath.Join(dir, UttList), ids); err != nil {
		return err
	}
	mean := Mean(emb, d)
	means := map[string][]float32{name: mean}
	for i, n := range db.Names {
		if n != name {
			means[n] = db.Means[i*d : (i+1)*d]
		}
	}
	return db.writeMeans(means)
}

// Remove deletes name's enrollment (its directory under speakers/ only)
// and rewrites the means; an unknown name is a usage error.
func (db *DB) Remove(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if !db.Has(name) {
		return errs.Usage("spkdb: %s: speaker %q is not enrolled (enrolled: %d speakers)", db.Dir, name, len(db.Names))
	}
	d := db.Meta.Dim
	means := map[string][]float32{}
	for i, n := range db.Names {
		if n != name {
			means[n] = db.Means[i*d : (i+1)*d]
		}
	}
	if err := db.writeMeans(means); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(db.Dir, SpeakersDir, name)); err != nil {
		return fmt.Errorf("spkdb: %w", err)
	}
	return nil
}

// writeMeans replaces means.npy, speakers.list and (last) db.json.
func (db *DB) writeMeans(means map[string][]float32) error {
	names := make([]string, 0, len(means))
	for n := range means {
		names = append(names, n)
	}
	sort.Strings(names)
	rows := make([]float32, 0, len(names)*db.Meta.Dim)
	for _, n := range names {
		rows = append(rows, means[n]...)
	}
	if len(names) > 0 {
		if err := vecio.WriteNpy(filepath.Join(db.Dir, MeansFile), rows, len(names), db.Meta.Dim); err != nil {
			return err
		}
	}
	if err := vecio.WriteList(filepath.Join(db.Dir, SpeakersList), names); err != nil {
		return err
	}
	meta := db.Meta
	meta.Speakers = len(names)
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("spkdb: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(db.Dir, MetaFile), append(b, '\n')); err != nil {
		return err
	}
	db.Meta, db.Names, db.Means = meta, names, rows
	return nil
}

// Mean is the mean of the length-normalised rows of emb (row-major [n,
// dim]), length-normalised: the speaker's enrollment vector.
func Mean(emb []float32, dim int) []float32 {
	acc := make([]float64, dim)
	for i := 0; i+dim <= len(emb); i += dim {
		r := emb[i : i+dim]
		n := norm(r)
		for j, v := range r {
			if n > 0 {
				acc[j] += float64(v) / n
			}
		}
	}
	out := make([]float32, dim)
	var ss float64
	for _, v := range acc {
		ss += v * v
	}
	for j, v := range acc {
		if ss > 0 {
			out[j] = float32(v / math.Sqrt(ss))
		}
	}
	return out
}

func norm(r []float32) float64 {
	var ss float64
	for _, v := range r {
		ss += float64(v) * float64(v)
	}
	return math.Sqrt(ss)
}
