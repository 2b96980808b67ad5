package embed

import (
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/source"
)

// Input is one utterance to embed (tools/source): Load returns its
// features, row-major [nFrames, nMels] float32, and the audio duration in
// seconds; it runs on a worker goroutine.
type Input = source.Input

// Sources resolves what `voxsiam embed --in` names into inputs
// (source.Open, which `voxsiam baseline` shares):
//
//   - one directory holding frames.npy and manifest.tsv: a feature store,
//     whose frames are used as stored (their n_mels must match the model);
//   - one other directory: a corpus in layout (dataset.Scan; "auto" detects);
//   - audio files: one utterance each, id = file name without extension.
//
// keep, when non-nil, selects speakers. cfg featurises audio. The returned
// close function releases a store. onResample, when non-nil, is called
// (concurrently) with each audio input whose own sample rate differs from
// cfg's (source.Set.OnResample).
func Sources(paths []string, layout string, cfg feature.Config, keep map[string]bool, onResample func(source string, rate int)) ([]Input, func(), error) {
	nop := func() {}
	set, err := source.Open(paths, layout, cfg, keep)
	if err != nil {
		return nil, nop, err
	}
	set.OnResample = onResample
	if set.Store != "" {
		if err := checkStoreFeatures(set, cfg); err != nil {
			set.Close()
			return nil, nop, err
		}
	}
	return set.Inputs, set.Close, nil
}

// checkStoreFeatures rejects a store whose features differ from the
// model's in bins, kind, sample rate or hop: its frames would mean
// something else to the network.
func checkStoreFeatures(set *source.Set, cfg feature.Config) error {
	sc := set.Features
	if sc.NMels != cfg.NMels {
		return errs.BadData("embed: store %s has %d mel bins, the model takes %d", set.Store, sc.NMels, cfg.NMels)
	}
	if !set.Recorded {
		return nil // no recorded settings: only the bins can be checked
	}
	if sc.Kind != cfg.Kind || sc.SampleRate != cfg.SampleRate || sc.Hop != cfg.Hop {
		return errs.BadData("embed: store %s has %s features at %d Hz hop %d, the model was trained on %s at %d Hz hop %d",
			set.Store, sc.Kind, sc.SampleRate, sc.Hop, cfg.Kind, cfg.SampleRate, cfg.Hop)
	}
	return nil
}
