package vecio

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// npyRowFile reads single rows of a float32 (<f4, C order) 2-D .npy file
// in place, without loading it.
type npyRowFile struct {
	f          *os.File
	path       string
	rows, cols int
	off        int64 // bytes before the data
	buf        []byte
}

// openNpyRows opens path for row reads; ok is false (and the file closed)
// when it is a valid .npy file of another dtype, which ReadNpy handles.
func openNpyRows(path string) (r *npyRowFile, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("vecio: %w", err)
	}
	r = &npyRowFile{f: f, path: path}
	if err := r.header(); err != nil {
		f.Close()
		return nil, false, errs.BadData("vecio: %s: %v", path, err)
	}
	if r.buf == nil { // not <f4
		f.Close()
		return nil, false, nil
	}
	return r, true, nil
}

// header parses and checks the header as ReadNpy does.
func (r *npyRowFile) header() error {
	if err := checkNpyHeader(r.f); err != nil {
		return fmt.Errorf("not a .npy file: %v", err)
	}
	nr, err := newNpyReader(r.f)
	if err != nil {
		return fmt.Errorf("not a .npy file: %v", err)
	}
	h := nr.Header.Descr
	h.Type = strings.Trim(h.Type, "'\"")
	if r.rows, r.cols, err = npyShape(h.Shape); err != nil {
		return err
	}
	if h.Fortran {
		return fmt.Errorf("Fortran order is not supported")
	}
	if npyItemSize(h.Type) == 0 {
		return fmt.Errorf("dtype %q: want float32 (<f4) or float64 (<f8)", h.Type)
	}
	if err := checkNpySize(r.f, r.rows, r.cols, npyItemSize(h.Type)); err != nil {
		return err
	}
	if r.off, err = npyHeaderLen(r.f); err != nil {
		return err
	}
	if h.Type == "<f4" {
		r.buf = make([]byte, 4*r.cols)
	}
	return nil
}

// row returns row i in dst[:0].
func (r *npyRowFile) row(dst []float32, i int) ([]float32, error) {
	if _, err := r.f.ReadAt(r.buf, r.off+int64(i)*int64(len(r.buf))); err != nil {
		return nil, fmt.Errorf("vecio: read %s row %d: %w", r.path, i, err)
	}
	dst = dst[:0]
	for k := range r.cols {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(r.buf[4*k:])))
	}
	return dst, nil
}

func (r *npyRowFile) close() {
	if r != nil {
		r.f.Close()
	}
}

// npyShard is one source of mergeNpy: its ids, rows read in place, speakers.
type npyShard struct {
	dir       string
	ids       []string
	emb, dist *npyRowFile
	utt2spk   map[string]string
}

// openNpyShard opens dir's embeddings.npy (and distributions.npy) for row
// reads; ok is false when one of them is not float32 (the caller then
// merges in memory).
func openNpyShard(dir string) (s *npyShard, ok bool, err error) {
	s = &npyShard{dir: dir}
	if s.emb, ok, err = openNpyRows(filepath.Join(dir, EmbeddingsFile)); !ok {
		return nil, false, err
	}
	if exists(filepath.Join(dir, DistributionsFile)) {
		if s.dist, ok, err = openNpyRows(filepath.Join(dir, DistributionsFile)); !ok {
			s.close()
			return nil, false, err
		}
	}
	if s.ids, err = ReadList(filepath.Join(dir, UttListFile)); err == nil {
		s.utt2spk, err = readSpeakers(dir)
	}
	switch {
	case err != nil:
	case len(s.ids) != s.emb.rows:
		err = errs.BadData("vecio: %s: %d ids in %s for %d rows in %s", dir, len(s.ids), UttListFile, s.emb.rows, EmbeddingsFile)
	case s.dist != nil && s.dist.rows != s.emb.rows:
		err = errs.BadData("vecio: %s: %d rows for %d embeddings", s.dist.path, s.dist.rows, s.emb.rows)
	}
	if err != nil {
		s.close()
		return nil, false, err
	}
	return s, true, nil
}

func (s *npyShard) close() {
	s.emb.close()
	s.dist.close()
}

// set is the shard as sameShape sees it (no rows).
func (s *npyShard) set() *Set {
	st := &Set{IDs: s.ids, Dim: s.emb.cols, Utt2Spk: s.utt2spk}
	if s.dist != nil {
		st.DistDim = s.dist.cols
	}
	return st
}

// mergeNpy is MergeDirs for shards with float32 embeddings.npy files and
// no Kaldi or text archive: the rows are copied one at a time from the
// shards' files into dst's (NpyRows), so memory holds the ids and speakers
// but no vectors. ok is false when a shard's .npy files are not float32.
func mergeNpy(dst string, srcs []string) (ok bool, err error) {
	shards := make([]*npyShard, 0, len(srcs))
	defer func() {
		for _, s := range shards {
			s.close()
		}
	}()
	for i, dir := range srcs {
		s, ok, err := openNpyShard(dir)
		if !ok {
			return false, err
		}
		shards = append(shards, s)
		if err := sameShape(srcs[0], shards[0].set(), dir, s.set(), i); err != nil {
			return true, err
		}
	}
	lists := make([][]string, len(shards))
	for k, s := range shards {
		lists[k] = s.ids
	}
	rows, err := mergeOrder(srcs, lists)
	if err != nil {
		return true, err
	}
	id := func(r mergeRow) string { return shards[r.set].ids[r.i] }
	ids := make([]string, len(rows))
	for k, r := range rows {
		ids[k] = id(r)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return true, fmt.Errorf("vecio: %w", err)
	}
	copyRows := func(name string, file func(*npyShard) *npyRowFile) error {
		out, err := CreateNpyRows(filepath.Join(dst, name))
		if err != nil {
			return err
		}
		defer out.Abort()
		var v []float32
		for _, r := range rows {
			f := file(shards[r.set])
			if v, err = f.row(v, r.i); err != nil {
				return err
			}
			if err := out.Append(v, f.cols); err != nil {
				return err
			}
		}
		return out.Commit()
	}
	if err := copyRows(EmbeddingsFile, func(s *npyShard) *npyRowFile { return s.emb }); err != nil {
		return true, err
	}
	if shards[0].dist != nil {
		if err := copyRows(DistributionsFile, func(s *npyShard) *npyRowFile { return s.dist }); err != nil {
			return true, err
		}
	}
	var u2s map[string]string
	if shards[0].utt2spk != nil {
		u2s = make(map[string]string, len(ids))
		for _, r := range rows {
			if spk, ok := shards[r.set].utt2spk[id(r)]; ok {
				u2s[id(r)] = spk
			}
		}
	}
	return true, WriteIDLists(dst, ids, u2s)
}
