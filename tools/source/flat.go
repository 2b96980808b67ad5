package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Utt2SpkFile is the optional speaker list of a flat folder: lines
// "<utterance id> <speaker>", the id being the file name without extension.
const Utt2SpkFile = "utt2spk"

// Flat returns the audio files (sorted) of dir when dir is a flat folder:
// audio files directly in it and no subdirectory, no Kaldi wav.scp and no
// feature store. Any other directory gives nil, nil.
func Flat(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, "wav.scp")); err == nil || isStore(dir) {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, errs.BadData("source: input %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return nil, nil
		}
		if dataset.IsAudio(p) {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	return files, nil
}

// openFlat makes the inputs of a flat folder's files, with speakers from
// its utt2spk when present (every file must be listed there then); keep,
// when non-nil, selects speakers and needs the utt2spk.
func openFlat(dir string, files []string, cfg feature.Config, keep map[string]bool) (*Set, error) {
	items := FileItems(files)
	if err := uniqueIDs(items); err != nil {
		return nil, err
	}
	list := filepath.Join(dir, Utt2SpkFile)
	u2s, err := vecio.ReadUtt2Spk(list)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if keep != nil {
			return nil, errs.BadData("source: %s is a flat folder without %s: speakers cannot be selected (add a %s, or use a <speaker>/<utterance> tree)", dir, Utt2SpkFile, Utt2SpkFile)
		}
		return FromItems(items, cfg)
	case err != nil:
		return nil, errs.AsBadData(err)
	}
	kept := items[:0]
	for _, it := range items {
		spk, ok := u2s[it.UttID]
		if !ok {
			return nil, errs.BadData("source: %s: no speaker for %s (utterance %q)", list, it.Path, it.UttID)
		}
		if it.Speaker, it.Group = spk, spk; keep == nil || keep[spk] {
			kept = append(kept, it)
		}
	}
	return FromItems(kept, cfg)
}
