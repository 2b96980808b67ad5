package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Input is one utterance. Load returns its frames, row-major [nFrames,
// NMels] float32, and its audio duration in seconds; it runs on a worker
// goroutine.
type Input struct {
	ID      string
	Speaker string // "" when unknown
	Source  string // the file (or store:utterance) named in problem reports
	Load    func(ctx context.Context) (frames []float32, nFrames int, seconds float64, err error)
}

// Set is what Open resolved: the utterances and the features they deliver.
type Set struct {
	Inputs []Input
	// Features are the settings of the frames, defaults filled in: the
	// audio's cfg, or those recorded in a store's features.json, or for a
	// store without recorded settings feature.DefaultConfig with the
	// store's bands (then Recorded is false).
	Features feature.Config
	// Store is the feature store's directory when the inputs come from one.
	Store string
	// Recorded is false for a store whose features.json records no
	// settings (only its bands are known).
	Recorded bool
	// Close releases a store; a no-op for audio.
	Close func()
	// OnResample, when set before the inputs are loaded, is called (from
	// the loading goroutines, so it must be safe for concurrent use) with an
	// audio input's source and its own sample rate in Hz whenever that rate
	// differs from Features.SampleRate and the audio is resampled.
	OnResample func(source string, rate int)
	// Check, when set before the inputs are loaded, vets an audio input's
	// samples (at Features.SampleRate) before they are featurised; its
	// error becomes the input's load error (concurrent calls, as OnResample).
	Check func(source string, samples []float32) error
}

// Open resolves what `voxsiam embed --in` and `voxsiam baseline --in` name:
//
//   - one directory holding frames.npy and manifest.tsv: a feature store
//     (including the ZHAW two-utterance stores of `voxsiam split --zhaw`),
//     whose frames are used as stored;
//   - one other directory: a corpus in layout (dataset.Scan; "auto" detects),
//     or, when it holds audio files and no subdirectories, a flat folder:
//     one utterance per file as for files, speakers from its utt2spk when
//     it has one (Flat);
//   - audio files: one utterance each, id = file name without extension,
//     speaker unknown.
//
// A missing input is an errs.BadData error saying what to give.
//
// Audio is decoded, resampled to cfg.SampleRate and featurised with cfg
// (feature.DefaultConfig: the reference log-mel). keep, when non-nil,
// selects speakers. Errors name the path and the problem.
func Open(paths []string, layout string, cfg feature.Config, keep map[string]bool) (*Set, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("source: no input")
	}
	if len(paths) == 1 {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			if isStore(paths[0]) {
				return openStore(paths[0], keep)
			}
			if files, err := Flat(paths[0]); err != nil {
				return nil, err
			} else if files != nil && (layout == "" || layout == string(dataset.Auto)) {
				return openFlat(paths[0], files, cfg, keep)
			}
			return openCorpus(paths[0], layout, cfg, keep)
		}
	}
	for _, p := range paths {
		if st, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, errs.BadData("source: input %s does not exist (give audio files, a corpus directory or a feature store)", p)
		} else if err != nil {
			return nil, errs.BadData("source: input %s: %w", p, err)
		} else if st.IsDir() {
			return nil, fmt.Errorf("source: input %s: a directory among several inputs (give one corpus or store, or files)", p)
		}
	}
	items := FileItems(paths)
	if err := uniqueIDs(items); err != nil {
		return nil, err
	}
	return FromItems(items, cfg)
}

// uniqueIDs rejects two files giving one utterance id.
func uniqueIDs(items []dataset.Item) error {
	first := map[string]string{}
	for _, it := range items {
		if p, dup := first[it.UttID]; dup {
			return errs.BadData("source: inputs %s and %s both give utterance id %q (the file name without extension); rename one", p, it.Path, it.UttID)
		}
		first[it.UttID] = it.Path
	}
	return nil
}

// FileItems makes corpus items of loose audio files: the utterance id is
// the file name without extension, the speaker unknown.
func FileItems(paths []string) []dataset.Item {
	items := make([]dataset.Item, len(paths))
	for i, p := range paths {
		base := filepath.Base(p)
		items[i] = dataset.Item{UttID: strings.TrimSuffix(base, filepath.Ext(base)), Path: p}
	}
	return items
}

func openCorpus(dir, layout string, cfg feature.Config, keep map[string]bool) (*Set, error) {
	items, err := dataset.Scan(dir, dataset.Layout(layout))
	if err != nil {
		return nil, err
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
	return FromItems(items, cfg)
}

// FromItems makes inputs of corpus items: each is decoded and resampled to
// cfg.SampleRate (dataset.Load) and featurised with cfg on the goroutine
// that calls its Load.
func FromItems(items []dataset.Item, cfg feature.Config) (*Set, error) {
	proto, err := feature.NewExtractor(cfg)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	cfg = proto.Config()
	src := &Set{Inputs: make([]Input, len(items)), Features: cfg, Recorded: true, Close: func() {}}
	for i, it := range items {
		src.Inputs[i] = Input{ID: it.UttID, Speaker: it.Speaker, Source: it.Source(),
			Load: func(ctx context.Context) ([]float32, int, float64, error) {
				x, from, err := dataset.LoadRate(ctx, it, cfg.SampleRate)
				if err != nil {
					return nil, 0, 0, err
				}
				if from != 0 && from != cfg.SampleRate && src.OnResample != nil {
					src.OnResample(it.Source(), from)
				}
				if src.Check != nil {
					if err := src.Check(it.Source(), x); err != nil {
						return nil, 0, 0, err
					}
				}
				frames, n := proto.Clone().Compute(nil, x)
				return frames, n, float64(len(x)) / float64(cfg.SampleRate), nil
			}}
	}
	return src, nil
}

func openStore(dir string, keep map[string]bool) (*Set, error) {
	s, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	cfg, recorded, err := storeFeatures(dir, s)
	if err != nil {
		s.Close()
		return nil, err
	}
	src := FromStore(s, keep)
	src.Features, src.Recorded = cfg, recorded
	return src, nil
}

// FromStore makes inputs of a feature store's utterances, frames as
// stored; keep, when non-nil, selects speakers. The Set's Close closes s;
// its Features are the store's bands with the reference settings (Open
// reads the recorded ones).
func FromStore(s *store.Store, keep map[string]bool) *Set {
	cfg := feature.DefaultConfig().WithDefaults()
	cfg.NMels = s.NMels()
	src := &Set{Features: cfg, Store: s.Dir(), Close: func() { s.Close() }}
	for _, u := range s.Utterances() {
		if keep != nil && !keep[u.Speaker] {
			continue
		}
		src.Inputs = append(src.Inputs, Input{ID: u.ID, Speaker: u.Speaker, Source: s.Dir() + ":" + u.ID,
			Load: func(context.Context) ([]float32, int, float64, error) {
				f := s.Frames(u, nil)
				s.Release(u) // read once: the mapped frames do not pile up in the resident set
				return f, int(u.Rows), u.Duration, nil
			}})
	}
	return src
}

// storeFeatures reads the store's recorded feature settings; a store
// without them (empty or kind-less features.json) holds reference log-mel
// frames of its bands, and recorded is false.
func storeFeatures(dir string, s *store.Store) (cfg feature.Config, recorded bool, err error) {
	cfg = feature.DefaultConfig().WithDefaults()
	cfg.NMels = s.NMels()
	rec, err := feature.Decode(s.FeatureConfig(), feature.Config{})
	if err != nil {
		return cfg, false, errs.BadData("source: store %s: %s: %v", dir, store.FeaturesFile, err)
	}
	if rec.Kind == "" {
		return cfg, false, nil
	}
	if rec.Kind != feature.KindLogMel && rec.Kind != feature.KindFbank {
		return cfg, false, errs.BadData("source: store %s: %s: feature kind %q, want %s or %s", dir, store.FeaturesFile, rec.Kind, feature.KindLogMel, feature.KindFbank)
	}
	if rec.NMels != s.NMels() {
		return cfg, false, errs.BadData("source: store %s: %s says %d mel bands, %s has %d", dir, store.FeaturesFile, rec.NMels, store.FramesFile, s.NMels())
	}
	return rec.WithDefaults(), true, nil
}

func isStore(dir string) bool {
	for _, f := range []string{store.FramesFile, store.ManifestFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}
