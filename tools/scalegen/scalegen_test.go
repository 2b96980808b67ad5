package scalegen

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/shard"
	"github.com/voxsiam/voxsiam/tools/store"
)

// TestCounts checks the utterance counts: they sum to N, every speaker has
// one, and with a tiny imbalance they are equal to within two (floors, then the remainder one each).
func TestCounts(t *testing.T) {
	for _, tc := range []struct {
		n, s      int
		imbalance float64
		maxSpread int
	}{
		{1000, 10, 1e-9, 2}, {1000, 1000, 0.5, 0}, {10007, 37, 0.5, -1}, {50, 7, 2, -1},
	} {
		c := Counts(Options{Utterances: tc.n, Speakers: tc.s, Imbalance: tc.imbalance}, rand.New(rand.NewPCG(1, 1)))
		sum, lo, hi := 0, math.MaxInt, 0
		for _, v := range c {
			sum, lo, hi = sum+v, min(lo, v), max(hi, v)
		}
		if sum != tc.n || lo < 1 || (tc.maxSpread >= 0 && hi-lo > tc.maxSpread) {
			t.Errorf("%+v: sum %d, counts %d..%d", tc, sum, lo, hi)
		}
	}
}

// TestGenerate checks the geometry the package documents: unit speaker
// means, cos(utterance, own mean) ≈ 1/sqrt(1 + Within²) (0.857 at 0.6),
// near-orthogonal speakers in 512 dimensions; and that a seed fixes the
// corpus.
func TestGenerate(t *testing.T) {
	o := Options{Utterances: 2000, Speakers: 20, Within: 0.6, Seed: 3}
	c, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	mean := make([][]float64, 20)
	for s := range mean {
		mean[s] = make([]float64, c.Dim)
	}
	for i, s := range c.Speaker {
		for t, v := range c.Emb[i*c.Dim : (i+1)*c.Dim] {
			mean[s][t] += float64(v)
		}
	}
	var own, other float64
	for i, s := range c.Speaker {
		row := c.Emb[i*c.Dim : (i+1)*c.Dim]
		own += cosine(row, mean[s])
		other += cosine(row, mean[(s+1)%20])
	}
	own, other = own/2000, other/2000
	if want := 1 / math.Sqrt(1+0.36); math.Abs(own-want) > 0.01 || math.Abs(other) > 0.02 {
		t.Errorf("cos to own mean %.4f (want %.4f), to another %.4f (want 0)", own, want, other)
	}
	d, _ := Generate(o)
	if d.IDs[17] != c.IDs[17] || d.Emb[12345] != c.Emb[12345] {
		t.Error("the same seed gave another corpus")
	}
	if _, err := Generate(Options{Utterances: 3, Speakers: 4}); err == nil {
		t.Error("more speakers than utterances accepted")
	}
}

func cosine(a []float32, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * b[i]
		aa += float64(a[i]) * float64(a[i])
		bb += b[i] * b[i]
	}
	return ab / math.Sqrt(aa*bb)
}

// TestWrite writes both outputs and reads them back with the readers the
// later stages use (vecio.ReadDir, store.Open).
func TestWrite(t *testing.T) {
	c, err := Generate(Options{Utterances: 30, Speakers: 4, Dim: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := c.WriteEmbeddings(filepath.Join(dir, "emb")); err != nil {
		t.Fatal(err)
	}
	set, err := vecio.ReadDir(filepath.Join(dir, "emb"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 30 || set.Dim != 8 || set.Utt2Spk[c.IDs[5]] != SpeakerName(c.Speaker[5]) || set.Emb[77] != c.Emb[77] {
		t.Errorf("read back %d x %d, utt2spk %v", set.Len(), set.Dim, set.Utt2Spk[c.IDs[5]])
	}
	if err := c.WriteStore(filepath.Join(dir, "store"), StoreOptions{Frames: 40, Float16: true}); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u := s.Utterances()
	k := slices.IndexFunc(u, func(x store.Utterance) bool { return x.ID == c.IDs[3] })
	if len(u) != 30 || k < 0 || u[k].Rows != 40 || u[k].Speaker != SpeakerName(c.Speaker[3]) || s.NMels() != 128 {
		t.Errorf("store: %d utterances, %d, %d mels", len(u), k, s.NMels())
	}
	if !slices.IsSortedFunc(u, func(a, b store.Utterance) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("store not in id order")
	}
	if err := c.WriteStore(filepath.Join(dir, "short"), StoreOptions{Frames: 10}); err == nil {
		t.Error("10-frame utterances accepted")
	}
}

// TestWriteTrials reads a generated trial list back (Kaldi lines "utt1 utt2
// target|nontarget", as eval.ReadTrials reads them): the count asked, about
// the target fraction asked, every target trial two different utterances of
// one speaker, every non-target two speakers.
func TestWriteTrials(t *testing.T) {
	c, err := Generate(Options{Utterances: 300, Speakers: 7, Dim: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	spk := map[string]int{}
	for i, id := range c.IDs {
		spk[id] = c.Speaker[i]
	}
	path := filepath.Join(t.TempDir(), "trials.txt")
	if err := c.WriteTrials(path, 5000, 0.2, 9); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	trials := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	targets := 0
	for _, line := range trials {
		f := strings.Fields(line)
		if len(f) != 3 || (f[2] != "target" && f[2] != "nontarget") {
			t.Fatalf("line %q", line)
		}
		_, ok1 := spk[f[0]]
		_, ok2 := spk[f[1]]
		if same := spk[f[0]] == spk[f[1]]; !ok1 || !ok2 || f[0] == f[1] || same != (f[2] == "target") {
			t.Fatalf("trial %q: speakers %d, %d", line, spk[f[0]], spk[f[1]])
		}
		if f[2] == "target" {
			targets++
		}
	}
	if len(trials) != 5000 || targets < 900 || targets > 1100 {
		t.Errorf("%d trials, %d targets (want 5000, about 1000)", len(trials), targets)
	}
}

// TestShard checks that the shards partition the corpus as shard.Of
// assigns ids, each in the corpus order with its rows.
func TestShard(t *testing.T) {
	c, err := Generate(Options{Utterances: 500, Speakers: 5, Dim: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for k := range 7 {
		s := c.Shard(k, 7)
		if s.Utterances != len(s.IDs) || len(s.Emb) != len(s.IDs)*3 {
			t.Fatalf("shard %d: %d utterances, %d ids, %d values", k, s.Utterances, len(s.IDs), len(s.Emb))
		}
		for r, id := range s.IDs {
			i := slices.Index(c.IDs, id)
			if shard.Of(id, 7) != k || s.Speaker[r] != c.Speaker[i] || s.Emb[3*r+2] != c.Emb[3*i+2] || (r > 0 && i < slices.Index(c.IDs, s.IDs[r-1])) {
				t.Fatalf("shard %d row %d: %s (corpus row %d)", k, r, id, i)
			}
		}
		seen += len(s.IDs)
	}
	if seen != 500 {
		t.Errorf("the shards hold %d utterances, want 500", seen)
	}
}
