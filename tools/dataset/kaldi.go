package dataset

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// reArk matches Kaldi extended filenames with a byte offset (foo.ark:123).
var reArk = regexp.MustCompile(`\.ark:\d+$`)

// scanKaldi reads a Kaldi data directory: wav.scp (recording -> file or
// command), utt2spk, and, when present, segments (utterance -> recording,
// start, end in seconds).
func scanKaldi(root string, opts Options) ([]Item, error) {
	wav, err := readTable(filepath.Join(root, "wav.scp"), 2, true)
	if err != nil {
		return nil, err
	}
	u2s, err := readTable(filepath.Join(root, "utt2spk"), 2, false)
	if err != nil {
		return nil, err
	}
	recs := map[string]string{}
	for _, r := range wav {
		p, err := kaldiPath(root, r, opts)
		if err != nil {
			return nil, err
		}
		recs[r.f[0]] = p
	}
	segPath := filepath.Join(root, "segments")
	if _, err := os.Stat(segPath); err != nil {
		var items []Item
		for _, r := range wav {
			items = append(items, Item{UttID: r.f[0], Path: recs[r.f[0]]})
		}
		return withSpeakers(items, u2s, root)
	}
	segs, err := readTable(segPath, 4, false)
	if err != nil {
		return nil, err
	}
	items := make([]Item, 0, len(segs))
	for _, r := range segs {
		it, err := segmentItem(r, recs)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return withSpeakers(items, u2s, root)
}

// segmentItem makes the item of one segments row.
func segmentItem(r row, recs map[string]string) (Item, error) {
	p, ok := recs[r.f[1]]
	if !ok {
		return Item{}, errs.BadData("dataset: %s line %d: recording %q is not in wav.scp", r.file, r.line, r.f[1])
	}
	start, err1 := strconv.ParseFloat(r.f[2], 64)
	end, err2 := strconv.ParseFloat(r.f[3], 64)
	if err1 != nil || err2 != nil || start < 0 || (end > 0 && end <= start) {
		return Item{}, errs.BadData("dataset: %s line %d: bad start/end %q %q", r.file, r.line, r.f[2], r.f[3])
	}
	return Item{UttID: r.f[0], Path: p, Start: start, End: max(end, 0)}, nil
}

// withSpeakers sets Speaker and Group from utt2spk; every utterance needs one.
func withSpeakers(items []Item, u2s []row, root string) ([]Item, error) {
	spk := make(map[string]string, len(u2s))
	for _, r := range u2s {
		spk[r.f[0]] = r.f[1]
	}
	for i := range items {
		s, ok := spk[items[i].UttID]
		if !ok {
			return nil, errs.BadData("dataset: %s: utterance %q has no speaker in utt2spk", root, items[i].UttID)
		}
		items[i].Speaker, items[i].Group = s, s
	}
	return items, nil
}

// kaldiPath resolves a wav.scp entry: a command ending in "|" (only with
// AllowPipes), or a file path, tried relative to the working directory (the
// Kaldi convention), the data directory, and its parent and grandparent
// (the recipe directory of data/ and data/<set>/); when the data directory
// is reached through a symbolic link, also the parents of its target.
func kaldiPath(root string, r row, opts Options) (string, error) {
	v := r.f[1]
	if strings.HasSuffix(v, "|") {
		if !opts.AllowPipes {
			return "", errs.BadData("dataset: %s line %d: recording %s is a command (%q); allow running it with sh with --kaldi-pipes, or convert wav.scp to plain paths", r.file, r.line, r.f[0], v)
		}
		return v, nil
	}
	if reArk.MatchString(v) || strings.HasPrefix(v, "-") {
		return "", errs.BadData("dataset: %s line %d: unsupported wav.scp entry %q (ark offsets and stdin are not supported)", r.file, r.line, v)
	}
	if filepath.IsAbs(v) {
		return v, nil
	}
	bases := []string{"", root, filepath.Join(root, ".."), filepath.Join(root, "..", "..")}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != filepath.Clean(root) {
		bases = append(bases, filepath.Join(real, ".."), filepath.Join(real, "..", ".."))
	}
	for _, base := range bases {
		if p := filepath.Join(base, v); exists(p) {
			return p, nil
		}
	}
	return v, nil // Load reports the missing file
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// row is one line of a Kaldi table.
type row struct {
	file string
	line int
	f    []string
}

// readTable reads whitespace-separated rows of exactly n fields; with rest
// set the last field takes the remainder of the line (wav.scp commands).
// Keys (first fields) must be unique.
func readTable(path string, n int, rest bool) ([]row, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, errs.BadData("dataset: Kaldi data directory: %v", err)
	}
	defer fh.Close()
	var rows []row
	seen := map[string]int{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		f := strings.Fields(s)
		if rest && len(f) > n {
			key := f[0]
			f = []string{key, strings.TrimSpace(strings.TrimPrefix(s, key))}
		}
		if len(f) != n {
			return nil, errs.BadData("dataset: %s line %d: %d fields, want %d", path, line, len(f), n)
		}
		if prev, dup := seen[f[0]]; dup {
			return nil, errs.BadData("dataset: %s line %d: %q already on line %d", path, line, f[0], prev)
		}
		seen[f[0]] = line
		rows = append(rows, row{path, line, f})
	}
	if err := sc.Err(); err != nil {
		return nil, errs.BadData("dataset: %s: %v", path, err)
	}
	return rows, nil
}
