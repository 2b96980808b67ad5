package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"unsafe"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// File names inside a store directory.
const (
	FramesFile   = "frames.npy"
	ManifestFile = "manifest.tsv"
	SpeakersFile = "speakers.tsv"
	FeaturesFile = feature.FileName // a feature.Config as JSON
)

// Store is an open, read-only feature store. Its methods are safe for
// concurrent use; Close must not race with them.
type Store struct {
	dir    string
	mm     []byte // whole frames.npy, memory-mapped
	data   []byte // the frame data region of mm
	info   npyInfo
	utts   []Utterance
	groups map[string]string
	fcfg   json.RawMessage

	relMu    sync.Mutex // Release
	relBytes []int64    // per releaseChunk of mm: frame bytes released so far, -1 once dropped
}

// Open opens and validates the store in dir: all four files present, the
// .npy header consistent with the file size, manifest rows contiguous and
// covering every frame, every speaker with a group. Defects are errs.BadData
// errors naming the file and the problem.
func Open(dir string) (*Store, error) {
	for _, f := range []string{FramesFile, ManifestFile, SpeakersFile, FeaturesFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			hint := ""
			if _, e := os.Stat(dir + ".partial"); e == nil {
				hint = fmt.Sprintf(" (%s.partial exists: an interrupted run; re-run `voxsiam features` to resume it)", dir)
			}
			return nil, errs.BadData("store: %s: not a complete feature store: missing %s%s", dir, f, hint)
		}
	}
	s := &Store{dir: dir}
	if err := s.readMeta(); err != nil {
		return nil, err
	}
	if err := s.mapFrames(); err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// readMeta reads manifest.tsv, speakers.tsv and features.json.
func (s *Store) readMeta() error {
	open := func(name string) (*os.File, string, error) {
		p := filepath.Join(s.dir, name)
		f, err := os.Open(p)
		if err != nil {
			return nil, p, fmt.Errorf("store: %w", err)
		}
		return f, p, nil
	}
	f, p, err := open(ManifestFile)
	if err != nil {
		return err
	}
	s.utts, err = parseManifest(p, f, false)
	f.Close()
	if err != nil {
		return err
	}
	if f, p, err = open(SpeakersFile); err != nil {
		return err
	}
	s.groups, err = parseSpeakers(p, f, false)
	f.Close()
	if err != nil {
		return err
	}
	p = filepath.Join(s.dir, FeaturesFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !json.Valid(b) {
		return errs.BadData("store: %s: not valid JSON", p)
	}
	s.fcfg = json.RawMessage(b)
	return nil
}

// mapFrames memory-maps frames.npy and parses its header.
func (s *Store) mapFrames() error {
	p := filepath.Join(s.dir, FramesFile)
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if st.Size() < 10 {
		return errs.BadData("store: %s: truncated (%d bytes)", p, st.Size())
	}
	s.mm, err = syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("store: mmap %s: %w", p, err)
	}
	if s.info, err = parseNpyHeader(p, s.mm); err != nil {
		s.Close()
		return err
	}
	want := s.info.dataOffset + s.info.rows*int64(s.info.cols)*int64(s.info.dt.size)
	if st.Size() != want {
		s.Close()
		return errs.BadData("store: %s: size %d bytes, header shape (%d, %d) %s needs %d", p, st.Size(), s.info.rows, s.info.cols, s.info.dt.descr, want)
	}
	s.data = s.mm[s.info.dataOffset:]
	return nil
}

// check cross-validates the manifest against frames.npy and speakers.tsv.
func (s *Store) check() error {
	var total int64
	if n := len(s.utts); n > 0 {
		total = s.utts[n-1].First + s.utts[n-1].Rows
	}
	if total != s.info.rows {
		return errs.BadData("store: %s: manifest covers %d frames, %s has %d", filepath.Join(s.dir, ManifestFile), total, FramesFile, s.info.rows)
	}
	for _, u := range s.utts {
		if _, ok := s.groups[u.Speaker]; !ok {
			return errs.BadData("store: %s: speaker %q (utterance %s) has no group", filepath.Join(s.dir, SpeakersFile), u.Speaker, u.ID)
		}
	}
	return nil
}

// Close unmaps the frames. Slices returned earlier stay valid (they are copies).
func (s *Store) Close() error {
	if s.mm == nil {
		return nil
	}
	err := syscall.Munmap(s.mm)
	s.mm, s.data = nil, nil
	return err
}

// releaseChunk is the granularity of Release: the page cache maps large
// folios whole (up to 2 MiB), so smaller ranges fault straight back in.
const releaseChunk = 2 << 20

// Release tells the kernel that a pass which reads each utterance once
// (Merge, embed) is done with u: once every frame of a releaseChunk of
// frames.npy has been released, in any order, the chunk leaves the
// process's resident set (madvise MADV_DONTNEED). The file stays in the
// page cache and a later read faults its pages back in (the mapping is
// shared and read-only), so every method still works, also while another
// goroutine reads; releasing an utterance twice only releases its chunks
// early. It keeps such a pass's resident set from growing with the store.
func (s *Store) Release(u Utterance) {
	if s.mm == nil || u.First+u.Rows > s.info.rows {
		return
	}
	row := int64(s.info.cols) * int64(s.info.dt.size)
	lo := s.info.dataOffset + u.First*row
	hi := lo + u.Rows*row
	s.relMu.Lock()
	defer s.relMu.Unlock()
	if s.relBytes == nil {
		s.relBytes = make([]int64, (int64(len(s.mm))+releaseChunk-1)/releaseChunk)
	}
	for c := lo / releaseChunk; c*releaseChunk < hi; c++ {
		start, end := c*releaseChunk, min((c+1)*releaseChunk, int64(len(s.mm)))
		if s.relBytes[c] < 0 {
			continue // dropped already
		}
		s.relBytes[c] += min(end, hi) - max(start, lo)
		if s.relBytes[c] >= end-max(start, s.info.dataOffset) {
			syscall.Madvise(s.mm[start:end], syscall.MADV_DONTNEED) // advice: an error changes nothing
			s.relBytes[c] = -1
		}
	}
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Utterances lists the utterances in frame order. The slice is shared: do not modify.
func (s *Store) Utterances() []Utterance { return s.utts }

// NMels is the number of mel bins per frame (the second dimension of frames.npy).
func (s *Store) NMels() int { return s.info.cols }

// NumFrames is the total number of frames (the first dimension of frames.npy).
func (s *Store) NumFrames() int64 { return s.info.rows }

// DataOffset is the number of bytes of frames.npy before the frames: its
// .npy header (128 in the stores this package writes). Frame r, bin m is
// at byte DataOffset() + (r*NMels() + m) * (2 or 4, Float16 or not).
func (s *Store) DataOffset() int64 { return s.info.dataOffset }

// Float16 reports whether frames are stored as float16 (else float32).
func (s *Store) Float16() bool { return s.info.dt == float16Type }

// Groups maps every speaker to its group. The map is shared: do not modify.
func (s *Store) Groups() map[string]string { return s.groups }

// Speakers lists the speakers that have utterances, sorted.
func (s *Store) Speakers() []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range s.utts {
		if !seen[u.Speaker] {
			seen[u.Speaker] = true
			out = append(out, u.Speaker)
		}
	}
	sort.Strings(out)
	return out
}

// FeatureConfig is the content of features.json (a tools/feature.Config).
func (s *Store) FeatureConfig() json.RawMessage { return s.fcfg }

// Frames returns all frames of u, row-major [u.Rows, NMels] float32, in dst
// (reused when its capacity suffices).
func (s *Store) Frames(u Utterance, dst []float32) []float32 {
	return s.Crop(dst, u, 0, int(u.Rows))
}

// Crop returns frames [start, start+n) of u, row-major [n, NMels] float32, in
// dst (reused when its capacity suffices). It panics when the range is
// outside the utterance or the utterance outside the store.
func (s *Store) Crop(dst []float32, u Utterance, start, n int) []float32 {
	if start < 0 || n < 0 || int64(start+n) > u.Rows || u.First+u.Rows > s.info.rows {
		panic(fmt.Sprintf("store: crop [%d,%d) outside utterance %s of %d rows", start, start+n, u.ID, u.Rows))
	}
	m := n * s.info.cols
	if m == 0 {
		return dst[:0]
	}
	if cap(dst) < m {
		dst = make([]float32, m)
	}
	dst = dst[:m]
	sz := s.info.dt.size
	off := (u.First + int64(start)) * int64(s.info.cols) * int64(sz)
	src := s.data[off : off+int64(m*sz)]
	if sz == 4 {
		if littleEndian {
			copy(dst, unsafe.Slice((*float32)(unsafe.Pointer(&src[0])), m))
			return dst
		}
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
		return dst
	}
	tab := half2float()
	for i := range dst {
		dst[i] = tab[binary.LittleEndian.Uint16(src[2*i:])]
	}
	return dst
}
