package embed

import (
	"context"
	"io"
	"time"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/shard"
)

// Job is one `voxsiam embed` run: a SavedModel, the inputs, and the
// embeddings directory to write.
type Job struct {
	Model    string         // SavedModel directory
	In       []string       // audio files, corpus directories or feature stores (Sources)
	Layout   string         // corpus layout
	Speakers string         // speaker list file: only these speakers; "" = all
	Shard    shard.Spec     // only this shard's utterances (zero: all)
	Out      string         // embeddings directory (Write)
	Format   string         // FormatNpy, FormatKaldi or FormatText
	Load     Options        // how the model is loaded and run
	Extract  ExtractOptions // segmentation, pooling, workers; its Progress is set by RunJob
	Progress io.Writer      // progress bar; nil: none
}

// Summary is what a Job did (the --json output of `voxsiam embed`; bench/
// reads it).
type Summary struct {
	Model              string            `json:"model"`
	Out                string            `json:"out"`
	Shard              string            `json:"shard,omitempty"` // k/n of a sharded run
	Utterances         int               `json:"utterances"`
	Rows               int               `json:"rows"`
	Segments           int               `json:"segments"`
	Dim                int               `json:"dim"`
	Skipped            []dataset.Skipped `json:"skipped"`           // never nil
	PaddedUtterances   int               `json:"padded_utterances"` // shorter than one segment, repeat-padded
	Padded             []dataset.Skipped `json:"padded"`            // never nil
	Resampled          []Resampled       `json:"resampled"`         // audio not at the model's rate, by rate; never nil
	AudioSeconds       float64           `json:"audio_seconds"`
	LoadSeconds        float64           `json:"load_seconds"`
	Seconds            float64           `json:"seconds"`
	UtterancesPerSec   float64           `json:"utterances_per_second"`
	AudioSecondsPerSec float64           `json:"audio_seconds_per_second"`
	CPUSeconds         float64           `json:"cpu_seconds"` // process CPU time of the extraction (Seconds' phase)
	AudioSecondsPerCPU float64           `json:"audio_seconds_per_cpu_second"`
	Batch              int               `json:"batch"`
	IntraOp            int               `json:"intra_op"`
	InterOp            int               `json:"inter_op"`
	Precision          string            `json:"precision"` // of the model's products (assets/voxsiam.json), "" for foreign models
}

// RunJob loads the model, reads the inputs with its feature settings
// (Sources), keeps the shard's utterances, extracts (Extract) and writes the
// directory (Write). A shard without utterances and a run that embeds
// nothing are data errors.
func RunJob(ctx context.Context, j Job) (*Summary, error) {
	t0 := time.Now()
	m, err := LoadModel(j.Model, j.Load)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	cfg, err := m.FeatureConfig()
	if err != nil {
		return nil, err
	}
	keep, err := vecio.ReadSet(j.Speakers)
	if err != nil {
		return nil, err
	}
	rs := &resampled{}
	inputs, closeSrc, err := Sources(j.In, j.Layout, cfg, keep, rs.add)
	if err != nil {
		return nil, err
	}
	defer closeSrc()
	if inputs = shard.Filter(j.Shard, inputs, func(in Input) string { return in.ID }); len(inputs) == 0 {
		return nil, errs.BadData("embed: shard %s holds no utterance of %v (fewer utterances than shards?)", j.Shard, j.In)
	}
	loadSec := time.Since(t0).Seconds()
	bar := progress.New(j.Progress, int64(len(inputs)), "embed")
	work := progress.StartPhase()
	eo := j.Extract
	eo.Progress = func(Input, int) { bar.Add(1) }
	// npy output: the rows go to disk as they are pooled (memory bounded
	// but for the ids), the other formats write from memory
	if eo.EmbOut, eo.DistOut, err = streamOut(j.Out, j.Format, eo.Distributions); err != nil {
		return nil, err
	}
	defer func() {
		for _, o := range []*vecio.NpyRows{eo.EmbOut, eo.DistOut} {
			if o != nil {
				o.Abort()
			}
		}
	}()
	res, err := Extract(ctx, m, inputs, eo)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	sec, cpu := work.Since()
	if len(res.IDs) == 0 {
		return nil, errs.BadData("embed: no utterance could be embedded (%d skipped)%s", len(res.Skipped), SkippedList(res.Skipped))
	}
	if eo.EmbOut != nil {
		err = WriteStreamed(j.Out, res, eo.EmbOut, eo.DistOut)
	} else {
		err = Write(j.Out, res, j.Format)
	}
	if err != nil {
		return nil, err
	}
	n := len(inputs) - len(res.Skipped)
	sum := &Summary{Model: j.Model, Out: j.Out, Shard: j.Shard.String(), Utterances: n, Rows: len(res.IDs), Segments: res.Segments,
		Dim: res.Dim, Skipped: res.Skipped, PaddedUtterances: len(res.Padded), Padded: res.Padded, AudioSeconds: res.Seconds,
		LoadSeconds: loadSec, Seconds: sec, UtterancesPerSec: float64(n) / sec, AudioSecondsPerSec: res.Seconds / sec,
		CPUSeconds: cpu, Batch: j.Load.Batch, IntraOp: j.Load.IntraOp, InterOp: j.Load.InterOp}
	if m.Meta != nil {
		sum.Precision = m.Meta.ModelPrecision()
	}
	if cpu > 0 {
		sum.AudioSecondsPerCPU = res.Seconds / cpu
	}
	if sum.Skipped == nil {
		sum.Skipped = []dataset.Skipped{}
	}
	if sum.Padded == nil {
		sum.Padded = []dataset.Skipped{}
	}
	sum.Resampled = rs.rates(cfg.SampleRate)
	return sum, nil
}
