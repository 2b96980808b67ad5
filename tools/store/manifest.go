package store

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Utterance is one row of the manifest: frames [First, First+Rows) of
// frames.npy belong to utterance ID of Speaker, computed from Source
// (Duration seconds of audio).
type Utterance struct {
	ID       string  // utterance id, unique in the store
	Speaker  string  // speaker id
	First    int64   // first row in frames.npy
	Rows     int64   // number of frames (>= 1)
	Source   string  // audio path (and segment) the frames come from
	Duration float64 // seconds of audio
}

const (
	manifestHeader = "utt_id\tspeaker\tfirst_row\tnum_rows\tsource\tduration_s"
	speakersHeader = "speaker\tgroup"
)

// formatRow is the manifest line of u, without the newline.
func formatRow(u Utterance) string {
	return strings.Join([]string{u.ID, u.Speaker,
		strconv.FormatInt(u.First, 10), strconv.FormatInt(u.Rows, 10),
		u.Source, strconv.FormatFloat(u.Duration, 'f', -1, 64)}, "\t")
}

// checkField rejects values the TSV format cannot carry.
func checkField(what, v string) error {
	if v == "" || strings.ContainsAny(v, "\t\n\r") {
		return fmt.Errorf("store: %s %q is empty or contains a tab or newline", what, v)
	}
	return nil
}

// parseManifest reads manifest.tsv. Rows must be contiguous from row 0
// (each first_row = previous first_row + num_rows), ids unique, num_rows >= 1.
// With partial set, an unterminated last line is ignored (an interrupted
// writer) instead of being an error. name is used in error messages.
func parseManifest(name string, r io.Reader, partial bool) ([]Utterance, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	if partial {
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		} else {
			data = nil
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	if !sc.Scan() {
		if partial {
			return nil, nil
		}
		return nil, errs.BadData("store: %s: empty manifest (no header line)", name)
	}
	if h := strings.TrimRight(sc.Text(), "\r"); h != manifestHeader {
		return nil, errs.BadData("store: %s line 1: header %q, want %q", name, h, manifestHeader)
	}
	var us []Utterance
	seen := map[string]bool{}
	next := int64(0)
	for line := 2; sc.Scan(); line++ {
		u, err := parseRow(sc.Text())
		if err != nil {
			return nil, errs.BadData("store: %s line %d: %v", name, line, err)
		}
		if u.First != next {
			return nil, errs.BadData("store: %s line %d: first_row %d, want %d (rows must be contiguous and in order)", name, line, u.First, next)
		}
		if seen[u.ID] {
			return nil, errs.BadData("store: %s line %d: duplicate utt_id %q", name, line, u.ID)
		}
		seen[u.ID] = true
		next += u.Rows
		us = append(us, u)
	}
	if err := sc.Err(); err != nil {
		return nil, errs.BadData("store: %s: %v", name, err)
	}
	return us, nil
}

// parseRow parses one manifest line.
func parseRow(s string) (Utterance, error) {
	f := strings.Split(strings.TrimRight(s, "\r"), "\t")
	if len(f) != 6 {
		return Utterance{}, fmt.Errorf("%d fields, want 6", len(f))
	}
	u := Utterance{ID: f[0], Speaker: f[1], Source: f[4]}
	var err error
	if u.First, err = strconv.ParseInt(f[2], 10, 64); err != nil || u.First < 0 {
		return u, fmt.Errorf("bad first_row %q", f[2])
	}
	if u.Rows, err = strconv.ParseInt(f[3], 10, 64); err != nil || u.Rows < 1 || u.Rows > 1<<40 {
		return u, fmt.Errorf("bad num_rows %q (want an integer >= 1)", f[3])
	}
	if u.Duration, err = strconv.ParseFloat(f[5], 64); err != nil || u.Duration < 0 || u.Duration != u.Duration {
		return u, fmt.Errorf("bad duration_s %q", f[5])
	}
	if u.ID == "" || u.Speaker == "" {
		return u, fmt.Errorf("empty utt_id or speaker")
	}
	return u, nil
}

// parseSpeakers reads speakers.tsv into speaker -> group. With partial set,
// an unterminated last line is ignored and later lines override earlier ones.
func parseSpeakers(name string, r io.Reader, partial bool) (map[string]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	if partial {
		data = data[:bytes.LastIndexByte(data, '\n')+1]
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(data) == 0 || strings.TrimRight(lines[0], "\r") != speakersHeader {
		if partial && len(data) == 0 {
			return map[string]string{}, nil
		}
		return nil, errs.BadData("store: %s line 1: want header %q", name, speakersHeader)
	}
	g := make(map[string]string, len(lines)-1)
	for i, l := range lines[1:] {
		f := strings.Split(strings.TrimRight(l, "\r"), "\t")
		if len(f) != 2 || f[0] == "" || f[1] == "" {
			return nil, errs.BadData("store: %s line %d: want 2 non-empty tab-separated fields, got %q", name, i+2, l)
		}
		if _, dup := g[f[0]]; dup && !partial {
			return nil, errs.BadData("store: %s line %d: duplicate speaker %q", name, i+2, f[0])
		}
		g[f[0]] = f[1]
	}
	return g, nil
}

// formatSpeakers is speakers.tsv for groups, sorted by speaker.
func formatSpeakers(groups map[string]string) []byte {
	spk := make([]string, 0, len(groups))
	for s := range groups {
		spk = append(spk, s)
	}
	sort.Strings(spk)
	var b bytes.Buffer
	b.WriteString(speakersHeader + "\n")
	for _, s := range spk {
		fmt.Fprintf(&b, "%s\t%s\n", s, groups[s])
	}
	return b.Bytes()
}
