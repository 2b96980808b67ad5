package eval

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Segment is a speaker turn: Speaker talks in File from Start to End
// (seconds).
type Segment struct {
	File       string
	Start, End float64
	Speaker    string
}

// ReadRTTM reads the SPEAKER lines of an RTTM file
// ("SPEAKER file chan start dur <NA> <NA> speaker <NA> <NA>"); other line
// types are skipped.
func ReadRTTM(file string) ([]Segment, error) {
	var out []Segment
	err := scanFields(file, func(n int, f []string) error {
		if f[0] != "SPEAKER" {
			return nil
		}
		if len(f) < 8 {
			return errs.BadData("eval: rttm %s line %d: want at least 8 fields, got %d", file, n, len(f))
		}
		start, err1 := strconv.ParseFloat(f[3], 64)
		dur, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil || !(dur >= 0 && start >= 0) || math.IsInf(start+dur, 0) {
			return errs.BadData("eval: rttm %s line %d: bad start %q or duration %q", file, n, f[3], f[4])
		}
		out = append(out, Segment{File: f[1], Start: start, End: start + dur, Speaker: f[7]})
		return nil
	})
	return out, err
}

// WriteRTTM writes segments as RTTM SPEAKER lines (channel 1, times with
// millisecond precision).
func WriteRTTM(w io.Writer, segs []Segment) error {
	for _, s := range segs {
		if _, err := fmt.Fprintf(w, "SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>\n", s.File, s.Start, s.End-s.Start, s.Speaker); err != nil {
			return err
		}
	}
	return nil
}

// ReadSegments reads a Kaldi segments file ("utt recording start end") as
// utterance id -> Segment (Speaker empty).
func ReadSegments(file string) (map[string]Segment, error) {
	out := map[string]Segment{}
	err := scanFields(file, func(n int, f []string) error {
		if len(f) != 4 {
			return errs.BadData("eval: segments %s line %d: want \"utt recording start end\", got %d fields", file, n, len(f))
		}
		s, err1 := strconv.ParseFloat(f[2], 64)
		e, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || !(e >= s && s >= 0) || math.IsInf(e, 0) {
			return errs.BadData("eval: segments %s line %d: bad times %q %q", file, n, f[2], f[3])
		}
		out[f[0]] = Segment{File: f[1], Start: s, End: e}
		return nil
	})
	return out, err
}

func scanFields(file string, fn func(n int, f []string) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		if err := fn(n, f); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return errs.BadData("eval: %s: %v", file, err)
	}
	return nil
}

// byFile groups segments by file, files sorted.
func byFile(segs []Segment) (files []string, groups map[string][]Segment) {
	groups = map[string][]Segment{}
	for _, s := range segs {
		if _, ok := groups[s.File]; !ok {
			files = append(files, s.File)
		}
		groups[s.File] = append(groups[s.File], s)
	}
	sort.Strings(files)
	return files, groups
}
