package vecio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// ScanFields calls fn with the 1-based number and the whitespace-separated
// fields of each non-blank line of path; lines starting with '#' are skipped.
func ScanFields(path string, fn func(line int, fields []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("vecio: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if err := fn(n, fields); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return errs.BadData("vecio: %s: %v", path, err)
	}
	return nil
}

// ReadList reads one id per line (utt.list, speaker lists). Duplicate ids
// and lines with more than one field are data errors.
func ReadList(path string) ([]string, error) {
	var ids []string
	seen := map[string]int{}
	err := ScanFields(path, func(n int, f []string) error {
		if len(f) != 1 {
			return errs.BadData("vecio: %s line %d: want one id, got %d fields", path, n, len(f))
		}
		if prev, dup := seen[f[0]]; dup {
			return errs.BadData("vecio: %s line %d: duplicate id %q (first on line %d)", path, n, f[0], prev)
		}
		seen[f[0]] = n
		ids = append(ids, f[0])
		return nil
	})
	return ids, err
}

// ReadSet reads a list (ReadList) as a set; "" is no list: nil, no error.
func ReadSet(path string) (map[string]bool, error) {
	if path == "" {
		return nil, nil
	}
	ids, err := ReadList(path)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// WriteList writes ids one a line, atomically.
func WriteList(path string, ids []string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		for _, id := range ids {
			if _, err := fmt.Fprintln(w, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReadUtt2Spk reads a Kaldi utt2spk file ("utt spk" lines) into a map.
// Lines without exactly two fields and repeated utterances are data errors.
func ReadUtt2Spk(path string) (map[string]string, error) {
	m := map[string]string{}
	err := ScanFields(path, func(n int, f []string) error {
		if len(f) != 2 {
			return errs.BadData("vecio: %s line %d: want \"utt spk\", got %d fields", path, n, len(f))
		}
		if _, dup := m[f[0]]; dup {
			return errs.BadData("vecio: %s line %d: utterance %q listed twice", path, n, f[0])
		}
		m[f[0]] = f[1]
		return nil
	})
	return m, err
}

// ReadSpk2Utt reads a Kaldi spk2utt file ("spk utt1 utt2 ...") and returns
// it inverted as utt -> spk. An utterance under two speakers is a data error.
func ReadSpk2Utt(path string) (map[string]string, error) {
	m := map[string]string{}
	err := ScanFields(path, func(n int, f []string) error {
		if len(f) < 2 {
			return errs.BadData("vecio: %s line %d: want \"spk utt1 [utt2 ...]\"", path, n)
		}
		for _, u := range f[1:] {
			if s, dup := m[u]; dup {
				return errs.BadData("vecio: %s line %d: utterance %q already under speaker %q", path, n, u, s)
			}
			m[u] = f[0]
		}
		return nil
	})
	return m, err
}

// WriteUtt2Spk writes "utt spk" lines for ids (in that order) that have a
// speaker in utt2spk.
func WriteUtt2Spk(path string, ids []string, utt2spk map[string]string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		for _, id := range ids {
			if s, ok := utt2spk[id]; ok {
				if _, err := fmt.Fprintf(w, "%s %s\n", id, s); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WriteSpk2Utt writes "spk utt1 utt2 ..." lines, speakers sorted, utterances
// in the order of ids.
func WriteSpk2Utt(path string, ids []string, utt2spk map[string]string) error {
	groups := map[string][]string{}
	for _, id := range ids {
		if s, ok := utt2spk[id]; ok {
			groups[s] = append(groups[s], id)
		}
	}
	spks := make([]string, 0, len(groups))
	for s := range groups {
		spks = append(spks, s)
	}
	sort.Strings(spks)
	return atomicfile.Write(path, func(w io.Writer) error {
		for _, s := range spks {
			if _, err := fmt.Fprintf(w, "%s %s\n", s, strings.Join(groups[s], " ")); err != nil {
				return err
			}
		}
		return nil
	})
}
