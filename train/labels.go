package train

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// ReadLabelMap reads a speaker-to-label map ([data] label_map, --label-map):
// one "speaker<TAB>label" per line, '#' comments and blank lines skipped, an
// optional "speaker<TAB>label" header. Speakers that share a label train as one
// class (same-speaker pairs in the loss), e.g. the perturbed copies of one base
// voice that `corpus synth` writes (its speakers.tsv base_voice column).
// Speakers the map does not name keep their own name as label.
func ReadLabelMap(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: label map: %w", err)
	}
	defer f.Close()
	m := map[string]string{}
	line := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != 2 || strings.TrimSpace(f[0]) == "" || strings.TrimSpace(f[1]) == "" {
			return nil, errs.BadData("train: label map %s line %d: want \"speaker<TAB>label\", got %q", path, n, s)
		}
		sp, lab := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if n == 1 && sp == "speaker" && lab == "label" {
			continue
		}
		if prev, dup := line[sp]; dup {
			return nil, errs.BadData("train: label map %s line %d: speaker %q repeats line %d", path, n, sp, prev)
		}
		line[sp], m[sp] = n, lab
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: label map %s: %w", path, err)
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
