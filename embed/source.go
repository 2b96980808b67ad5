package embed

import (
	"encoding/json"
	"fmt"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// FeatureConfig is the feature setting the model was trained with: the
// "features" of assets/voxsiam.json, else the reference log-mel
// (feature.DefaultConfig) with the model's bins and segment length.
func (m *Model) FeatureConfig() (feature.Config, error) {
	cfg := feature.DefaultConfig()
	if m.Meta != nil && len(m.Meta.Features) > 0 {
		if err := json.Unmarshal(m.Meta.Features, &cfg); err != nil {
			return cfg, fmt.Errorf("embed: %s features: %w", graph.MetaAsset, err)
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
