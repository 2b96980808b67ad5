package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// Layout names a corpus directory layout.
type Layout string

// Known layouts.
const (
	Auto        Layout = "auto"
	VoxCeleb    Layout = "voxceleb"
	TIMIT       Layout = "timit"
	LibriSpeech Layout = "librispeech"
	Plain       Layout = "plain"
	Kaldi       Layout = "kaldi"
)

// Layouts lists the layouts Scan accepts besides Auto.
var Layouts = []Layout{VoxCeleb, TIMIT, LibriSpeech, Plain, Kaldi}

// Item is one utterance of a corpus.
type Item struct {
	UttID   string  // unique in the corpus, e.g. "id10270/x6uYqmx31kE/00001", "FCJF0_SA1", "19-198-0001"
	Speaker string  // speaker id
	Group   string  // split unit: base voice of synthetic speakers, else the speaker
	Path    string  // audio file, or a Kaldi command ending in "|"
	Start   float64 // seconds into Path where the utterance starts (Kaldi segments), else 0
	End     float64 // seconds where it ends; 0 means the end of the file
}

// Source is Path, with the segment as "path:start-end" when there is one:
// a unique name of the audio an item covers.
func (it Item) Source() string {
	if it.Start == 0 && it.End == 0 {
		return it.Path
	}
	return fmt.Sprintf("%s:%g-%g", it.Path, it.Start, it.End)
}

// Options refine Scan.
type Options struct {
	// AllowPipes lets Kaldi wav.scp entries that are shell commands ("... |")
	// through; Load then runs them with sh -c. Default off: such an entry is
	// an error, since a data directory should not run commands unasked.
	AllowPipes bool
}

// Scan lists the utterances under root in layout (Auto: Detect), sorted by
// UttID. Malformed trees and lists are errs.BadData errors naming the file.
func Scan(root string, layout Layout) ([]Item, error) {
	return ScanWith(root, layout, Options{})
}

// ScanWith is Scan with options.
func ScanWith(root string, layout Layout, opts Options) ([]Item, error) {
	items, _, err := ScanLayout(root, layout, opts)
	return items, err
}

// ScanLayout is ScanWith that also returns the layout it read: layout, or
// the detected one for Auto.
func ScanLayout(root string, layout Layout, opts Options) ([]Item, Layout, error) {
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, layout, fmt.Errorf("dataset: %s is not a directory", root)
	}
	if layout == Auto || layout == "" {
		var err error
		if layout, err = Detect(root); err != nil {
			return nil, layout, err
		}
	}
	var items []Item
	var err error
	switch layout {
	case Kaldi:
		items, err = scanKaldi(root, opts)
	case VoxCeleb, TIMIT, LibriSpeech, Plain:
		items, err = scanTree(root, layout)
	default:
		return nil, layout, errs.Usage("dataset: unknown layout %q (known: auto %v)", layout, Layouts)
	}
	if err != nil {
		return nil, layout, err
	}
	if len(items) == 0 {
		return nil, layout, errs.BadData("dataset: %s: no audio files in the %s layout", root, layout)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].UttID < items[j].UttID })
	for i, it := range items {
		if bad := strings.ContainsAny(it.UttID+it.Speaker+it.Group, "\t\n\r"); bad || it.UttID == "" || it.Speaker == "" {
			return nil, layout, errs.BadData("dataset: %s: utterance %q (speaker %q) has an empty id or one with a tab or newline", it.Path, it.UttID, it.Speaker)
		}
		if i > 0 && it.UttID == items[i-1].UttID {
			return nil, layout, errs.BadData("dataset: %s: utterance id %q twice (%s and %s)", root, items[i].UttID, items[i-1].Path, items[i].Path)
		}
	}
	return items, layout, nil
}

var (
	reTIMITSet = regexp.MustCompile(`(?i)^(train|test)$`)
	reTIMITDR  = regexp.MustCompile(`(?i)^dr\d+$`)
	reLibri    = regexp.MustCompile(`^(\d+)-(\d+)-\d+\.flac$`)
	reVoxID    = regexp.MustCompile(`^id\d+$`)
)

// Detect guesses the layout of root: kaldi when it holds wav.scp, else from
// the path of the first audio file (in lexical walk order, following
// symbolic links).
func Detect(root string) (Layout, error) {
	if _, err := os.Stat(filepath.Join(root, "wav.scp")); err == nil {
		return Kaldi, nil
	}
	var first []string
	err := walkAudio(root, func(_ string, parts []string) error {
		if len(parts) >= 2 {
			first = parts
			return errStopWalk
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return classify(root, first)
}

// classify names the layout of one audio file's path below the root.
func classify(root string, p []string) (Layout, error) {
	n := len(p)
	switch {
	case n == 0:
		return "", errs.BadData("dataset: %s: no audio files (.wav, .flac, .m4a, .mp3, .ogg, .opus) in speaker directories (a corpus is <speaker>/<utterance> files, a Kaldi directory with wav.scp, or a flat folder of files for commands that need no speaker labels)", root)
	case n == 4 && reTIMITSet.MatchString(p[0]) && reTIMITDR.MatchString(p[1]):
		return TIMIT, nil
	case n == 3 && reLibri.MatchString(p[2]) && strings.HasPrefix(p[2], p[0]+"-"+p[1]+"-"):
		return LibriSpeech, nil
	case n == 3 && reVoxID.MatchString(p[0]):
		return VoxCeleb, nil
	}
	return Plain, nil
}

// IsAudio reports whether a file name has an audio extension the layouts use.
func IsAudio(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".wav", ".flac":
		return true
	}
	return audio.NeedsExternal(p)
}

// Skipped is an input left out of a run, and why: a corpus file ingest or
// augment could not read, an input embed or baseline could not embed
// (embed.Result.Padded lists padded inputs the same way). Reason is the
// error or the policy that dropped it.
type Skipped struct {
	Source string `json:"source"` // the input's path or id
	Reason string `json:"reason"`
}
