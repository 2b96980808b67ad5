package vecio

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// TextFile is the Kaldi text archive `voxsiam embed --format text` adds.
const TextFile = "embeddings.txt"

// MergeDirs writes the embeddings directory dst holding every row of the
// directories srcs (the shards of a `voxsiam embed --shard k/n` array),
// sorted by id, which is the order `voxsiam embed` gives a corpus
// directory or a store written by `voxsiam features`: for such inputs n
// merged shards equal the unsharded directory byte for byte (the scp
// names the ark by its absolute path, so it matches when dst is the
// directory the unsharded run wrote). The sources must agree on the dimension, on having distributions
// (and their width), speakers, an ark/scp pair and embeddings.txt; dst
// gets the same files. An id in two sources is an error naming both.
// Shards of float32 embeddings.npy files without archives are merged a
// row at a time from their files (memory holds ids and speakers, not
// vectors); the others are read into memory.
func MergeDirs(dst string, srcs []string) error {
	if len(srcs) == 0 {
		return fmt.Errorf("vecio: merge into %s: no input directories", dst)
	}
	streamable := true // float32 embeddings.npy everywhere, no archive: rows copied in place (mergeNpy)
	for _, dir := range srcs {
		if f := sameFiles(srcs[0], dir); f != "" {
			return errs.BadData("vecio: merge: %s has %s and %s does not (or the reverse): shards of different runs?", srcs[0], f, dir)
		}
		streamable = streamable && exists(filepath.Join(dir, EmbeddingsFile))
	}
	if streamable && !hasArchive(srcs[0]) {
		if ok, err := mergeNpy(dst, srcs); ok || err != nil {
			return err
		}
	}
	sets := make([]*Set, len(srcs))
	for i, dir := range srcs {
		s, err := ReadDir(dir)
		if err != nil {
			return err
		}
		if err := sameShape(srcs[0], sets[0], dir, s, i); err != nil {
			return err
		}
		sets[i] = s
	}
	m, err := mergeSets(srcs, sets)
	if err != nil {
		return err
	}
	opts := WriteOptions{Dist: m.Dist, DistDim: m.DistDim, Utt2Spk: m.Utt2Spk, Kaldi: exists(filepath.Join(srcs[0], ArkFile))}
	if err := WriteDir(dst, m.IDs, m.Emb, m.Dim, opts); err != nil {
		return err
	}
	if exists(filepath.Join(srcs[0], TextFile)) {
		return atomicfile.Write(filepath.Join(dst, TextFile), func(w io.Writer) error {
			_, err := WriteArk(w, m.IDs, m.Emb, m.Dim, false)
			return err
		})
	}
	return nil
}

// hasArchive reports whether dir has an ark, scp or text archive.
func hasArchive(dir string) bool {
	for _, f := range []string{ArkFile, ScpFile, TextFile} {
		if exists(filepath.Join(dir, f)) {
			return true
		}
	}
	return false
}

// sameShape checks set s (of dir, source i) against the first set a.
func sameShape(dir0 string, a *Set, dir string, s *Set, i int) error {
	if i == 0 {
		return nil
	}
	switch {
	case s.Dim != a.Dim:
		return errs.BadData("vecio: merge: %s has %d-d embeddings, %s %d-d", dir, s.Dim, dir0, a.Dim)
	case s.DistDim != a.DistDim:
		return errs.BadData("vecio: merge: %s has distributions of width %d, %s of width %d (0: none)", dir, s.DistDim, dir0, a.DistDim)
	case (s.Utt2Spk == nil) != (a.Utt2Spk == nil):
		return errs.BadData("vecio: merge: only one of %s and %s has speakers (utt2spk)", dir, dir0)
	}
	return nil
}

// sameFiles names an optional output file that one of a and b has and the
// other lacks, or "".
func sameFiles(a, b string) string {
	for _, f := range []string{ArkFile, ScpFile, TextFile} {
		if exists(filepath.Join(a, f)) != exists(filepath.Join(b, f)) {
			return f
		}
	}
	return ""
}

// mergeRow is row i of source set.
type mergeRow struct{ set, i int }

// mergeOrder lists the rows of the sources' id lists in id order (stable:
// sources in the given order), refusing an id that two sources hold.
func mergeOrder(dirs []string, ids [][]string) ([]mergeRow, error) {
	var rows []mergeRow
	for si, l := range ids {
		for i := range l {
			rows = append(rows, mergeRow{si, i})
		}
	}
	id := func(r mergeRow) string { return ids[r.set][r.i] }
	sort.SliceStable(rows, func(i, j int) bool { return id(rows[i]) < id(rows[j]) })
	for k := 1; k < len(rows); k++ {
		if id(rows[k-1]) == id(rows[k]) {
			return nil, errs.BadData("vecio: merge: id %s is in both %s and %s (overlapping shards?)", id(rows[k]), dirs[rows[k-1].set], dirs[rows[k].set])
		}
	}
	return rows, nil
}

// mergeSets stacks the rows of sets in id order.
func mergeSets(dirs []string, sets []*Set) (*Set, error) {
	ids := make([][]string, len(sets))
	for i, s := range sets {
		ids[i] = s.IDs
	}
	rows, err := mergeOrder(dirs, ids)
	if err != nil {
		return nil, err
	}
	id := func(r mergeRow) string { return sets[r.set].IDs[r.i] }
	a := sets[0]
	m := &Set{Dim: a.Dim, DistDim: a.DistDim}
	if a.Utt2Spk != nil {
		m.Utt2Spk = map[string]string{}
	}
	for _, r := range rows {
		s := sets[r.set]
		m.IDs = append(m.IDs, id(r))
		m.Emb = append(m.Emb, s.Row(r.i)...)
		if m.DistDim > 0 {
			m.Dist = append(m.Dist, s.DistRow(r.i)...)
		}
		if spk, ok := s.Utt2Spk[id(r)]; ok && m.Utt2Spk != nil {
			m.Utt2Spk[id(r)] = spk
		}
	}
	return m, nil
}
