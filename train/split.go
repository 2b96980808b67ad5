package train

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// SplitSpeakers holds out about frac of the speaker groups (whole groups, so
// no base voice is in both sets) chosen with seed, and returns the sorted
// training and validation speakers. groups maps speaker -> group; at least
// one group goes to each side when frac > 0 and there are two groups.
func SplitSpeakers(groups map[string]string, frac float64, seed uint64) (trainSpk, valSpk []string) {
	byGroup := map[string][]string{}
	for sp, g := range groups {
		byGroup[g] = append(byGroup[g], sp)
	}
	names := make([]string, 0, len(byGroup))
	for g := range byGroup {
		names = append(names, g)
	}
	sort.Strings(names)
	r := rand.New(rand.NewPCG(seed, 0x5e1ec7))
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	nVal := int(math.Round(frac * float64(len(names))))
	if frac > 0 && len(names) >= 2 {
		nVal = min(max(nVal, 1), len(names)-1)
	}
	for i, g := range names {
		if i < nVal {
			valSpk = append(valSpk, byGroup[g]...)
		} else {
			trainSpk = append(trainSpk, byGroup[g]...)
		}
	}
	sort.Strings(trainSpk)
	sort.Strings(valSpk)
	return trainSpk, valSpk
}

// ReadSpeakerList reads a speaker list: one id per line; blank lines and
// lines starting with '#' are skipped; duplicates are an error.
func ReadSpeakerList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: speaker list: %w", err)
	}
	defer f.Close()
	var out []string
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if prev, dup := seen[s]; dup {
			return nil, errs.BadData("train: speaker list %s line %d: %q repeats line %d", path, n, s, prev)
		}
		seen[s] = n
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: speaker list %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, errs.BadData("train: speaker list %s: no speakers", path)
	}
	return out, nil
}
