package embed

import (
	"encoding/json"
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
		if err := checkStoreFeatures(dir, s, cfg); err != nil {
			s.Close()
			return nil, nop, err
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

// checkStoreFeatures rejects a store whose features differ from the
// model's in bins, kind, sample rate or hop: its frames would mean
// something else to the network.
func checkStoreFeatures(dir string, s *store.Store, cfg feature.Config) error {
	if s.NMels() != cfg.NMels {
		return errs.BadData("embed: store %s has %d mel bins, the model takes %d", dir, s.NMels(), cfg.NMels)
	}
	var sc feature.Config
	if raw := s.FeatureConfig(); len(raw) == 0 || json.Unmarshal(raw, &sc) != nil || sc.Kind == "" {
		return nil // no recorded settings: only the bins can be checked
	}
	if sc.Kind != cfg.Kind || sc.SampleRate != cfg.SampleRate || sc.Hop != cfg.Hop {
		return errs.BadData("embed: store %s has %s features at %d Hz hop %d, the model was trained on %s at %d Hz hop %d",
			dir, sc.Kind, sc.SampleRate, sc.Hop, cfg.Kind, cfg.SampleRate, cfg.Hop)
	}
	return nil
}

func isStore(dir string) bool {
	for _, f := range []string{"frames.npy", "manifest.tsv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}
