package dataset

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// scanTree walks root (following symbolic links, see walkAudio) and keeps
// the audio files that fit layout; other files (READMEs, transcripts, files
// at the wrong depth inside the speaker directories) are ignored. Audio
// files directly in root, beside the speaker directories, are an error
// (looseFiles): their speaker is unknown, and leaving them out unasked
// would drop data the way no Kaldi or SpeechBrain recipe does.
func scanTree(root string, layout Layout) ([]Item, error) {
	var groups map[string]string
	if layout == Plain {
		var err error
		if groups, err = readGroups(filepath.Join(root, "speakers.tsv")); err != nil {
			return nil, err
		}
	}
	var items []Item
	external := ""
	var loose []string
	err := walkAudio(root, func(p string, parts []string) error {
		if len(parts) == 1 {
			loose = append(loose, parts[0])
			return nil
		}
		it, ok := treeItem(layout, parts)
		if !ok {
			return nil
		}
		it.Path = p
		if g := groups[it.Speaker]; g != "" {
			it.Group = g
		}
		if external == "" && audio.NeedsExternal(p) {
			external = p
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(loose) > 0 {
		return nil, looseFiles(root, layout, loose)
	}
	if external != "" {
		if err := audio.HaveExternal(external); err != nil {
			return nil, fmt.Errorf("dataset: %s: %w", root, err)
		}
	}
	return items, nil
}

// looseFiles is the error of audio files directly in a corpus root: it
// names them (the first five) and says the layout that was expected.
func looseFiles(root string, layout Layout, names []string) error {
	shown := names
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return errs.BadData("dataset: %s: audio files directly in it, beside the speaker directories of a %s corpus (%s): "+
		"a corpus keeps every file in its speaker's directory (%s); move them into one, or give them apart "+
		"(as files, or a folder of only files for commands that need no speaker labels)",
		root, layout, strings.Join(shown, ", "), layoutExample[layout])
}

// layoutExample is the path of an utterance in each tree layout.
var layoutExample = map[Layout]string{
	Plain:       "<speaker>/<utterance>.wav, subdirectories allowed",
	VoxCeleb:    "id<digits>/<video>/<utterance>.wav",
	TIMIT:       "TRAIN|TEST/DR<n>/<speaker>/<utterance>.WAV",
	LibriSpeech: "<speaker>/<chapter>/<speaker>-<chapter>-<n>.flac",
}

// treeItem makes the item of a file at path parts (relative to the root),
// or reports that the file does not belong to layout.
func treeItem(layout Layout, parts []string) (Item, bool) {
	n := len(parts)
	name := parts[n-1]
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	var it Item
	switch layout {
	case VoxCeleb:
		if n != 3 || !reVoxID.MatchString(parts[0]) {
			return it, false
		}
		it = Item{UttID: parts[0] + "/" + parts[1] + "/" + stem, Speaker: parts[0]}
	case TIMIT:
		if n != 4 || !reTIMITSet.MatchString(parts[0]) || !reTIMITDR.MatchString(parts[1]) ||
			!strings.EqualFold(filepath.Ext(name), ".wav") || strings.Contains(stem, ".") {
			return it, false
		}
		spk := strings.ToUpper(parts[2])
		it = Item{UttID: spk + "_" + strings.ToUpper(stem), Speaker: spk}
	case LibriSpeech:
		m := reLibri.FindStringSubmatch(name)
		if n != 3 || m == nil || m[1] != parts[0] || m[2] != parts[1] {
			return it, false
		}
		it = Item{UttID: stem, Speaker: parts[0]}
	case Plain:
		if n < 2 {
			return it, false
		}
		it = Item{UttID: strings.Join(append(parts[:n-1:n-1], stem), "/"), Speaker: parts[0]}
	}
	it.Group = it.Speaker
	return it, true
}

// readGroups reads a plain corpus' optional speakers.tsv: a header naming a
// "speaker" column and a "group" or "base_voice" column, then one row per
// speaker. A missing file gives nil.
func readGroups(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return nil, errs.BadData("dataset: %s: empty (want a header with speaker and group or base_voice)", path)
	}
	spk, grp := -1, -1
	for i, h := range strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t") {
		switch h {
		case "speaker":
			spk = i
		case "group", "base_voice":
			if grp < 0 || h == "group" {
				grp = i
			}
		}
	}
	if spk < 0 || grp < 0 {
		return nil, errs.BadData("dataset: %s line 1: header needs a speaker and a group (or base_voice) column", path)
	}
	g := map[string]string{}
	for line := 2; sc.Scan(); line++ {
		f := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if len(f) <= max(spk, grp) || f[spk] == "" || f[grp] == "" {
			return nil, errs.BadData("dataset: %s line %d: missing speaker or group field", path, line)
		}
		g[f[spk]] = f[grp]
	}
	return g, sc.Err()
}
