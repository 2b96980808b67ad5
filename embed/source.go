package embed

import (
	"fmt"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// FeatureConfig is the feature setting the model was trained with: the
// "features" of assets/voxsiam.json (spec.Meta.Features, read over
// feature.DefaultConfig), else the reference log-mel (feature.DefaultConfig)
// with the model's bins and segment length.
func (m *Model) FeatureConfig() (feature.Config, error) {
	cfg := feature.DefaultConfig()
	if m.Meta != nil && m.Meta.Features != nil {
		cfg = *m.Meta.Features
	} else {
		cfg.NMels = m.Bins
	}
	cfg.Segment = m.Frames
	if cfg.NMels != m.Bins {
		return cfg, fmt.Errorf("embed: features have %d mel bins, the model takes %d", cfg.NMels, m.Bins)
	}
	return cfg, cfg.Validate()
}
