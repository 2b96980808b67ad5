package vecio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeDirsStreams checks that float32 .npy shards, merged a row at a
// time from their files (mergeNpy), give byte for byte the directory the
// in-memory merge writes (ReadDir, mergeSets, WriteDir): embeddings,
// distributions, ids and speakers, from 4 shards of 61 rows in shuffled
// id order; and that an id in two shards is an error naming both.
func TestMergeDirsStreams(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	const n, dim, dd = 61, 5, 3
	perm := rng.Perm(n)
	var srcs []string
	for k := range 4 {
		var ids []string
		var emb, dist []float32
		u2s := map[string]string{}
		for _, p := range perm {
			if p%4 != k {
				continue
			}
			id := fmt.Sprintf("spk%d-u%03d", p%7, p)
			ids, u2s[id] = append(ids, id), fmt.Sprintf("spk%d", p%7)
			for range dim {
				emb = append(emb, float32(rng.NormFloat64()))
			}
			for range dd {
				dist = append(dist, float32(rng.Float64()))
			}
		}
		src := filepath.Join(dir, fmt.Sprintf("shard%d", k))
		if err := WriteDir(src, ids, emb, dim, WriteOptions{Utt2Spk: u2s, Dist: dist, DistDim: dd}); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	streamed := filepath.Join(dir, "streamed")
	if err := MergeDirs(streamed, srcs); err != nil {
		t.Fatal(err)
	}
	sets := make([]*Set, len(srcs))
	for i, src := range srcs {
		var err error
		if sets[i], err = ReadDir(src); err != nil {
			t.Fatal(err)
		}
	}
	m, err := mergeSets(srcs, sets)
	if err != nil {
		t.Fatal(err)
	}
	inMemory := filepath.Join(dir, "memory")
	if err := WriteDir(inMemory, m.IDs, m.Emb, m.Dim, WriteOptions{Dist: m.Dist, DistDim: m.DistDim, Utt2Spk: m.Utt2Spk}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{EmbeddingsFile, DistributionsFile, UttListFile, Utt2SpkFile, Spk2UttFile} {
		a, errA := os.ReadFile(filepath.Join(inMemory, f))
		b, errB := os.ReadFile(filepath.Join(streamed, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: streamed %d bytes (%v), in memory %d (%v): differ", f, len(b), errB, len(a), errA)
		}
	}
	if len(m.IDs) != n {
		t.Errorf("%d rows merged, want %d", len(m.IDs), n)
	}
	err = MergeDirs(filepath.Join(dir, "twice"), []string{srcs[0], srcs[1], srcs[0]})
	if err == nil || !strings.Contains(err.Error(), "is in both "+srcs[0]) {
		t.Errorf("overlapping shards: %v", err)
	}
}
