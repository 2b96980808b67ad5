package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// LoadSet reads an embeddings directory; a non-empty labels path (utt2spk)
// replaces the directory's own speakers.
func LoadSet(dir, labels string) (*vecio.Set, error) {
	s, err := vecio.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if labels != "" {
		if s.Utt2Spk, err = vecio.ReadUtt2Spk(labels); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Vectors returns the rows a metric compares: the distributions for SymKL
// (an error when the directory has none), the embeddings otherwise.
// Non-finite values are data errors naming the utterance.
func Vectors(s *vecio.Set, m eval.Metric, dir string) ([]float32, int, error) {
	x, dim, name := s.Emb, s.Dim, vecio.EmbeddingsFile
	if m == eval.SymKL {
		if s.DistDim == 0 {
			return nil, 0, errs.BadData("report: %s: the kl distance needs %s (softmax outputs), which is missing", dir, vecio.DistributionsFile)
		}
		x, dim, name = s.Dist, s.DistDim, vecio.DistributionsFile
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, 0, errs.BadData("report: %s/%s: utterance %q (row %d) holds %v", dir, name, s.IDs[i/dim], i/dim, v)
		}
	}
	return x, dim, nil
}

// Speakers numbers the speakers of s in sorted order and returns the index
// of each row's speaker and the names; ok is false unless every utterance
// has a speaker.
func Speakers(s *vecio.Set) (idx []int, names []string, ok bool) {
	if s.Utt2Spk == nil {
		return nil, nil, false
	}
	seen := map[string]bool{}
	for _, id := range s.IDs {
		sp, has := s.Utt2Spk[id]
		if !has {
			return nil, nil, false
		}
		if !seen[sp] {
			seen[sp] = true
			names = append(names, sp)
		}
	}
	sort.Strings(names)
	num := make(map[string]int, len(names))
	for i, n := range names {
		num[n] = i
	}
	idx = make([]int, s.Len())
	for i, id := range s.IDs {
		idx[i] = num[s.Utt2Spk[id]]
	}
	return idx, names, true
}

func bothClasses(target []bool) error {
	var nt int
	for _, t := range target {
		if t {
			nt++
		}
	}
	if nt == 0 || nt == len(target) {
		return fmt.Errorf("report: the trials need both target and non-target pairs (%d of %d are targets)", nt, len(target))
	}
	return nil
}
