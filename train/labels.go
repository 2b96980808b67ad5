package train

import (
	"math"
	"sort"
	"strconv"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// ReadLabelMap reads a speaker-to-label map ([data] label_map, --label-map):
// one "speaker<TAB>label" per line (any whitespace separates; vecio.ScanFields),
// '#' comments and blank lines skipped, an
// optional "speaker<TAB>label" header. Speakers that share a label train as one
// class (same-speaker pairs in the loss), e.g. the perturbed copies of one base
// voice that `corpus synth` writes (its speakers.tsv base_voice column).
// Speakers the map does not name keep their own name as label.
func ReadLabelMap(path string) (map[string]string, error) {
	m := map[string]string{}
	line := map[string]int{}
	err := vecio.ScanFields(path, func(n int, f []string) error {
		if len(f) != 2 {
			return errs.BadData("train: label map %s line %d: want \"speaker<TAB>label\", got %d fields", path, n, len(f))
		}
		if len(m) == 0 && f[0] == "speaker" && f[1] == "label" {
			return nil // header
		}
		if prev, dup := line[f[0]]; dup {
			return errs.BadData("train: label map %s line %d: speaker %q repeats line %d", path, n, f[0], prev)
		}
		line[f[0]], m[f[0]] = n, f[1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, errs.BadData("train: label map %s: no entries", path)
	}
	return m, nil
}

// classes groups speakers by label: the sorted distinct labels, and for each
// its speakers in the order given. A nil map makes every speaker its own class
// (in the order given, the published behaviour).
func classes(speakers []string, label map[string]string) (names []string, members [][]string) {
	if label == nil {
		names = append([]string(nil), speakers...)
		members = make([][]string, len(speakers))
		for k, sp := range speakers {
			members[k] = []string{sp}
		}
		return names, members
	}
	byLabel := map[string][]string{}
	for _, sp := range speakers {
		lab, ok := label[sp]
		if !ok {
			lab = sp
		}
		byLabel[lab] = append(byLabel[lab], sp)
	}
	for lab := range byLabel {
		names = append(names, lab)
	}
	sort.Strings(names)
	members = make([][]string, len(names))
	for k, lab := range names {
		members[k] = byLabel[lab]
	}
	return names, members
}

// ReadClassWeights reads sampling weights ([data] class_weights,
// --class-weights): one "class<TAB>weight" per line (vecio.ScanFields; '#'
// comments, blank lines and an optional "class<TAB>weight" header skipped).
// A class is a training speaker or, under a label map, a label; classes the
// file does not name weigh 1. Weights are finite and > 0.
func ReadClassWeights(path string) (map[string]float64, error) {
	m := map[string]float64{}
	line := map[string]int{}
	err := vecio.ScanFields(path, func(n int, f []string) error {
		if len(f) != 2 {
			return errs.BadData("train: class weights %s line %d: want \"class<TAB>weight\", got %d fields", path, n, len(f))
		}
		if len(m) == 0 && f[0] == "class" && f[1] == "weight" {
			return nil // header
		}
		w, err := strconv.ParseFloat(f[1], 64)
		if err != nil || !(w > 0) || math.IsInf(w, 0) {
			return errs.BadData("train: class weights %s line %d: weight %q of %q is not a finite number > 0", path, n, f[1], f[0])
		}
		if prev, dup := line[f[0]]; dup {
			return errs.BadData("train: class weights %s line %d: class %q repeats line %d", path, n, f[0], prev)
		}
		line[f[0]], m[f[0]] = n, w
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, errs.BadData("train: class weights %s: no entries", path)
	}
	return m, nil
}
