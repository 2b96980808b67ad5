package ingest

import (
	"context"
	"errors"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/shard"
	"github.com/voxsiam/voxsiam/tools/store"
)

// CorpusOptions is a `voxsiam features` run: Options for the store, plus how
// the corpus is read and which shard of it is featurised.
type CorpusOptions struct {
	Options
	Layout     dataset.Layout // corpus layout; "" or dataset.Auto: detected
	AllowPipes bool           // Kaldi wav.scp pipe commands (dataset.Options.AllowPipes)
	Shard      shard.Spec     // only this shard's utterances (zero: all)
}

// CorpusSummary is Summary with what a run of RunCorpus read and how long it
// took. Seconds and CPUSeconds time the scan, decoding, features and store
// writing (not process start-up); the rates are over the audio featurised in
// this run (resumed utterances excluded).
type CorpusSummary struct {
	Store  string `json:"store"`
	Layout string `json:"layout"`
	Shard  string `json:"shard,omitempty"` // k/n of a sharded run
	Summary
	Seconds            float64 `json:"seconds"`
	CPUSeconds         float64 `json:"cpu_seconds"`
	AudioSeconds       float64 `json:"audio_seconds"`
	AudioSecondsPerSec float64 `json:"audio_seconds_per_second"`
	AudioSecondsPerCPU float64 `json:"audio_seconds_per_cpu_second"`
}

// RunCorpus scans the corpus directory in (dataset.ScanWith), keeps o.Shard's
// utterances and streams their features into the store out (Run). Invalid
// feature settings and a complete store without Restart are usage errors; a
// shard with no utterance is bad data.
func RunCorpus(ctx context.Context, in, out string, o CorpusOptions) (*CorpusSummary, error) {
	if err := o.Feature.Validate(); err != nil {
		return nil, errs.Usage("features: %v", err)
	}
	work := progress.StartPhase()
	items, layout, err := dataset.ScanLayout(in, o.Layout, dataset.Options{AllowPipes: o.AllowPipes})
	if err != nil {
		return nil, err
	}
	if items = shard.Filter(o.Shard, items, func(it dataset.Item) string { return it.UttID }); len(items) == 0 {
		return nil, errs.BadData("features: shard %s of %s holds no utterance (fewer utterances than shards?)", o.Shard, in)
	}
	res, err := Run(ctx, items, out, o.Options)
	if errors.Is(err, store.ErrExists) {
		return nil, errs.Usage("features: %v", err)
	}
	if err != nil {
		return nil, err
	}
	sum := &CorpusSummary{Store: out, Layout: string(layout), Shard: o.Shard.String(), Summary: *res}
	sum.Seconds, sum.CPUSeconds = work.Since()
	sum.AudioSeconds = res.NewHours * 3600
	if sum.Seconds > 0 {
		sum.AudioSecondsPerSec = sum.AudioSeconds / sum.Seconds
	}
	if sum.CPUSeconds > 0 {
		sum.AudioSecondsPerCPU = sum.AudioSeconds / sum.CPUSeconds
	}
	return sum, nil
}
