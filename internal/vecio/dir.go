package vecio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// File names inside an embeddings directory.
const (
	EmbeddingsFile    = "embeddings.npy"
	DistributionsFile = "distributions.npy"
	UttListFile       = "utt.list"
	Utt2SpkFile       = "utt2spk"
	Spk2UttFile       = "spk2utt"
	ArkFile           = "embeddings.ark"
	ScpFile           = "embeddings.scp"
)

// Set is the content of an embeddings directory.
type Set struct {
	IDs  []string  // utterance ids, row order
	Dim  int       // embedding dimension D
	Emb  []float32 // row-major [len(IDs), Dim]
	Dist []float32 // optional row-major [len(IDs), DistDim] distributions
	// DistDim is the width S of Dist (0 when the directory has none).
	DistDim int
	// Utt2Spk maps utterance ids to speakers; nil without an utt2spk file.
	Utt2Spk map[string]string
}

// Len is the number of utterances N.
func (s *Set) Len() int { return len(s.IDs) }

// Row returns embedding i, a view of length Dim.
func (s *Set) Row(i int) []float32 { return s.Emb[i*s.Dim : (i+1)*s.Dim : (i+1)*s.Dim] }

// DistRow returns distribution i, a view of length DistDim.
func (s *Set) DistRow(i int) []float32 {
	return s.Dist[i*s.DistDim : (i+1)*s.DistDim : (i+1)*s.DistDim]
}

// Index maps utterance ids to rows.
func (s *Set) Index() map[string]int {
	m := make(map[string]int, len(s.IDs))
	for i, id := range s.IDs {
		m[id] = i
	}
	return m
}

// Speakers returns the speaker of each row ("" where unknown).
func (s *Set) Speakers() []string {
	out := make([]string, len(s.IDs))
	for i, id := range s.IDs {
		out[i] = s.Utt2Spk[id]
	}
	return out
}

// WriteOptions are the optional parts of an embeddings directory.
type WriteOptions struct {
	// Utt2Spk, when non-nil, is written as utt2spk and spk2utt.
	Utt2Spk map[string]string
	// Dist, row-major [N, DistDim] float32, is written as distributions.npy.
	Dist    []float32
	DistDim int
	// Kaldi also writes embeddings.ark (binary FV) and embeddings.scp.
	Kaldi bool
}

// WriteDir creates dir (and parents) and writes embeddings.npy and utt.list
// for ids and emb (row-major [len(ids), dim] float32), plus the parts opts
// asks for. Each file is replaced atomically.
func WriteDir(dir string, ids []string, emb []float32, dim int, opts WriteOptions) error {
	checkShape("WriteDir", ids, emb, dim)
	if len(ids) == 0 {
		return fmt.Errorf("vecio: %s: no embeddings to write", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("vecio: %w", err)
	}
	if err := WriteNpy(filepath.Join(dir, EmbeddingsFile), emb, len(ids), dim); err != nil {
		return err
	}
	if err := WriteIDLists(dir, ids, opts.Utt2Spk); err != nil {
		return err
	}
	return writeOptional(dir, ids, emb, dim, opts)
}

// WriteIDLists writes the id files of an embeddings directory dir for the
// rows ids: utt.list and, when utt2spk is non-nil, utt2spk and spk2utt.
func WriteIDLists(dir string, ids []string, utt2spk map[string]string) error {
	if err := WriteList(filepath.Join(dir, UttListFile), ids); err != nil {
		return err
	}
	if utt2spk == nil {
		return nil
	}
	if err := WriteUtt2Spk(filepath.Join(dir, Utt2SpkFile), ids, utt2spk); err != nil {
		return err
	}
	return WriteSpk2Utt(filepath.Join(dir, Spk2UttFile), ids, utt2spk)
}

func writeOptional(dir string, ids []string, emb []float32, dim int, opts WriteOptions) error {
	if opts.Dist != nil {
		if err := WriteNpy(filepath.Join(dir, DistributionsFile), opts.Dist, len(ids), opts.DistDim); err != nil {
			return err
		}
	}
	if opts.Kaldi {
		ark, err := filepath.Abs(filepath.Join(dir, ArkFile))
		if err != nil {
			return fmt.Errorf("vecio: %w", err)
		}
		return WriteArkScp(ark, filepath.Join(dir, ScpFile), ids, emb, dim)
	}
	return nil
}

// ReadDir reads an embeddings directory: embeddings.npy with utt.list, or,
// without them, embeddings.scp or embeddings.ark; then distributions.npy and
// utt2spk (or spk2utt) when present. Row counts must agree.
func ReadDir(dir string) (*Set, error) {
	s, err := readVectors(dir)
	if err != nil {
		return nil, err
	}
	if err := readDist(dir, s); err != nil {
		return nil, err
	}
	s.Utt2Spk, err = readSpeakers(dir)
	return s, err
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func readVectors(dir string) (*Set, error) {
	npy := filepath.Join(dir, EmbeddingsFile)
	if exists(npy) {
		emb, rows, cols, err := ReadNpy(npy)
		if err != nil {
			return nil, err
		}
		ids, err := ReadList(filepath.Join(dir, UttListFile))
		if err != nil {
			return nil, err
		}
		if len(ids) != rows {
			return nil, errs.BadData("vecio: %s: %d ids in %s for %d rows in %s", dir, len(ids), UttListFile, rows, EmbeddingsFile)
		}
		return &Set{IDs: ids, Dim: cols, Emb: emb}, nil
	}
	for _, name := range []string{ScpFile, ArkFile} {
		path := filepath.Join(dir, name)
		if !exists(path) {
			continue
		}
		var entries []Entry
		var err error
		if name == ScpFile {
			entries, err = ReadScp(path)
		} else {
			entries, err = ReadArk(path)
		}
		if err != nil {
			return nil, err
		}
		return FromEntries(path, entries)
	}
	return nil, fmt.Errorf("vecio: %s: no %s, %s or %s: %w", dir, EmbeddingsFile, ScpFile, ArkFile, fs.ErrNotExist)
}

// FromEntries stacks archive entries into a Set; all vectors must have one
// length and keys must be unique (name labels errors).
func FromEntries(name string, entries []Entry) (*Set, error) {
	if len(entries) == 0 {
		return nil, errs.BadData("vecio: %s: no vectors", name)
	}
	s := &Set{Dim: len(entries[0].Vec)}
	seen := map[string]bool{}
	for i, e := range entries {
		if len(e.Vec) != s.Dim || s.Dim == 0 {
			return nil, errs.BadData("vecio: %s: entry %d (%q) has %d values, entry 0 has %d", name, i, e.Key, len(e.Vec), s.Dim)
		}
		if seen[e.Key] {
			return nil, errs.BadData("vecio: %s: key %q appears twice", name, e.Key)
		}
		seen[e.Key] = true
		s.IDs = append(s.IDs, e.Key)
		s.Emb = append(s.Emb, e.Vec...)
	}
	return s, nil
}

func readDist(dir string, s *Set) error {
	path := filepath.Join(dir, DistributionsFile)
	if !exists(path) {
		return nil
	}
	d, rows, cols, err := ReadNpy(path)
	if err != nil {
		return err
	}
	if rows != s.Len() {
		return errs.BadData("vecio: %s: %d rows for %d embeddings", path, rows, s.Len())
	}
	s.Dist, s.DistDim = d, cols
	return nil
}

func readSpeakers(dir string) (map[string]string, error) {
	m, err := ReadUtt2Spk(filepath.Join(dir, Utt2SpkFile))
	if errors.Is(err, fs.ErrNotExist) {
		m, err = ReadSpk2Utt(filepath.Join(dir, Spk2UttFile))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return m, err
}
