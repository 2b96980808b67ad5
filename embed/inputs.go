package embed

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Sources resolves what `voxsiam embed --in` names into inputs:
//
//   - one directory holding frames.npy and manifest.tsv: a feature store,
//     whose frames are used as stored (their n_mels must match the model);
//   - one other directory: a corpus in layout (dataset.Scan; "auto" detects);
//   - audio files: one utterance each, id = file name without extension.
//
// keep, when non-nil, selects speakers. cfg featurises audio. The returned
// close function releases a store.
func Sources(paths []string, layout string, cfg feature.Config, keep map[string]bool) ([]Input, func(), error) {
	nop := func() {}
	if len(paths) == 0 {
		return nil, nop, fmt.Errorf("embed: no input")
	}
	if len(paths) == 1 {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			return dirSources(paths[0], layout, cfg, keep)
		}
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil {
			return nil, nop, fmt.Errorf("embed: input %s: %w", p, err)
		} else if st.IsDir() {
			return nil, nop, fmt.Errorf("embed: input %s: a directory among several inputs (give one corpus or store, or files)", p)
		}
	}
	in, err := FromItems(FileItems(paths), cfg)
	return in, nop, err
}

func dirSources(dir, layout string, cfg feature.Config, keep map[string]bool) ([]Input, func(), error) {
	nop := func() {}
	if isStore(dir) {
		s, err := store.Open(dir)
		if err != nil {
			return nil, nop, err
		}
		if s.NMels() != cfg.NMels {
			s.Close()
			return nil, nop, errs.BadData("embed: store %s has %d mel bins, the model takes %d", dir, s.NMels(), cfg.NMels)
		}
		return FromStore(s, keep), func() { s.Close() }, nil
	}
	items, err := dataset.Scan(dir, dataset.Layout(layout))
	if err != nil {
		return nil, nop, err
	}
	if keep != nil {
		kept := items[:0]
		for _, it := range items {
			if keep[it.Speaker] {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	in, err := FromItems(items, cfg)
	return in, nop, err
}

func isStore(dir string) bool {
	for _, f := range []string{"frames.npy", "manifest.tsv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}
