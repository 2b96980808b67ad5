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
	err := readPairs(path, "label map", "speaker", "label", func(n int, sp, lab string) error {
		m[sp] = lab
		return nil
	})
	return m, err
}

// readPairs reads the two-column files of train (label map, class weights):
// "key<TAB>value" per line (any whitespace; vecio.ScanFields), '#' comments
// and blank lines skipped, an optional "<key><TAB><value>" header line; set
// takes each pair. A line of another width, a repeated key and a file
// without entries are data errors naming the file (what) and line.
func readPairs(path, what, key, value string, set func(line int, k, v string) error) error {
	line := map[string]int{}
	err := vecio.ScanFields(path, func(n int, f []string) error {
		if len(f) != 2 {
			return errs.BadData("train: %s %s line %d: want \"%s<TAB>%s\", got %d fields", what, path, n, key, value, len(f))
		}
		if len(line) == 0 && f[0] == key && f[1] == value {
			return nil // header
		}
		if prev, dup := line[f[0]]; dup {
			return errs.BadData("train: %s %s line %d: %s %q repeats line %d", what, path, n, key, f[0], prev)
		}
		line[f[0]] = n
		return set(n, f[0], f[1])
	})
	if err != nil {
		return err
	}
	if len(line) == 0 {
		return errs.BadData("train: %s %s: no entries", what, path)
	}
	return nil
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
	err := readPairs(path, "class weights", "class", "weight", func(n int, c, v string) error {
		w, err := strconv.ParseFloat(v, 64)
		if err != nil || !(w > 0) || math.IsInf(w, 0) {
			return errs.BadData("train: class weights %s line %d: weight %q of %q is not a finite number > 0", path, n, v, c)
		}
		m[c] = w
		return nil
	})
	return m, err
}
