package embed

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Input is one utterance to embed. Load returns its features, row-major
// [nFrames, nMels] float32, and the audio duration in seconds; it runs on a
// worker goroutine.
type Input struct {
	ID      string
	Speaker string // "" when unknown
	Source  string // file (or store) named in problem reports
	Load    func(ctx context.Context) (frames []float32, nFrames int, seconds float64, err error)
}

// FeatureConfig is the feature setting the model was trained with: the
// "features" of assets/voxsiam.json, else the reference log-mel
// (feature.DefaultConfig) with the model's bins and segment length.
func (m *Model) FeatureConfig() (feature.Config, error) {
	cfg := feature.DefaultConfig()
	if m.Meta != nil && len(m.Meta.Features) > 0 {
		if err := json.Unmarshal(m.Meta.Features, &cfg); err != nil {
			return cfg, fmt.Errorf("embed: %s features: %w", MetaAsset, err)
		}
	}
	if m.Meta == nil || len(m.Meta.Features) == 0 {
		cfg.NMels = m.Bins
	}
	cfg.Segment = m.Frames
	if cfg.NMels != m.Bins {
		return cfg, fmt.Errorf("embed: features have %d mel bins, the model takes %d", cfg.NMels, m.Bins)
	}
	return cfg, cfg.Validate()
}

// FromItems makes inputs of corpus items (tools/dataset): each is decoded
// and resampled to cfg.SampleRate (dataset.Load) and featurised with cfg.
func FromItems(items []dataset.Item, cfg feature.Config) ([]Input, error) {
	proto, err := feature.NewExtractor(cfg)
	if err != nil {
		return nil, err
	}
	in := make([]Input, len(items))
	for i, it := range items {
		in[i] = Input{ID: it.UttID, Speaker: it.Speaker, Source: it.Source(),
			Load: func(ctx context.Context) ([]float32, int, float64, error) {
				x, err := dataset.Load(ctx, it, cfg.SampleRate)
				if err != nil {
					return nil, 0, 0, err
				}
				frames, n := proto.Clone().Compute(nil, x)
				return frames, n, float64(len(x)) / float64(cfg.SampleRate), nil
			}}
	}
	return in, nil
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

// FromStore makes inputs of a feature store's utterances (frames as
// stored); keep, when non-nil, selects speakers.
func FromStore(s *store.Store, keep map[string]bool) []Input {
	var in []Input
	for _, u := range s.Utterances() {
		if keep != nil && !keep[u.Speaker] {
			continue
		}
		in = append(in, Input{ID: u.ID, Speaker: u.Speaker, Source: s.Dir() + ":" + u.ID,
			Load: func(context.Context) ([]float32, int, float64, error) {
				return s.Frames(u, nil), int(u.Rows), u.Duration, nil
			}})
	}
	return in
}
