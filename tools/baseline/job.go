package baseline

import (
	"context"
	"io"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/source"
)

// Job is one `voxsiam baseline` run: inputs as `voxsiam embed` takes them,
// the statistics' options, and the embeddings directory to write.
type Job struct {
	Options
	In       []string  // audio files, corpus directories or feature stores
	Layout   string    // corpus layout (source.Open)
	Speakers string    // speaker list file: only these speakers; "" = all
	Out      string    // embeddings directory
	Kaldi    bool      // also embeddings.ark/scp
	Workers  int       // goroutines; <= 0: one per core
	Strict   bool      // fail on the first unreadable input
	Progress io.Writer // progress bar; nil: none
}

// Summary is what a Job did (the --json output of `voxsiam baseline`).
type Summary struct {
	Out                string            `json:"out"`
	Utterances         int               `json:"utterances"`
	Dim                int               `json:"dim"`
	Features           string            `json:"features"` // kind of the frames: logmel or fbank
	NMels              int               `json:"n_mels"`
	Options            Options           `json:"options"`
	Frames             int64             `json:"frames"`
	FramesKept         int64             `json:"frames_kept"` // after the VAD
	Skipped            []dataset.Skipped `json:"skipped"`     // never nil
	AudioSeconds       float64           `json:"audio_seconds"`
	Seconds            float64           `json:"seconds"`
	CPUSeconds         float64           `json:"cpu_seconds"`
	AudioSecondsPerSec float64           `json:"audio_seconds_per_second"`
}

// RunJob opens the inputs (source.Open, audio with the reference log-mel),
// embeds them (Run) and writes the directory (Write). Missing inputs or
// output and more MFCCs than mel bands are usage errors (NewEmbedder checks
// the other options); no embeddable utterance is a data error.
func RunJob(ctx context.Context, j Job) (*Summary, error) {
	if len(j.In) == 0 || j.Out == "" {
		return nil, errs.Usage("baseline: inputs and an output directory are required")
	}
	keep, err := vecio.ReadSet(j.Speakers)
	if err != nil {
		return nil, err
	}
	src, err := source.Open(j.In, j.Layout, feature.DefaultConfig(), keep)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if j.NCeps > src.Features.NMels {
		return nil, errs.Usage("baseline: %d MFCCs: the inputs have %d mel bands", j.NCeps, src.Features.NMels)
	}
	bar := progress.New(j.Progress, int64(len(src.Inputs)), "baseline")
	work := progress.StartPhase()
	res, err := Run(ctx, src, RunOptions{Options: j.Options, Workers: j.Workers, Strict: j.Strict,
		Progress: func(source.Input) { bar.Add(1) }})
	bar.Finish()
	if err != nil {
		return nil, err
	}
	sec, cpu := work.Since()
	if len(res.IDs) == 0 {
		return nil, errs.BadData("baseline: no utterance could be embedded (%d skipped)", len(res.Skipped))
	}
	if err := Write(j.Out, res, j.Kaldi); err != nil {
		return nil, err
	}
	sum := &Summary{Out: j.Out, Utterances: len(res.IDs), Dim: res.Dim, Features: src.Features.Kind,
		NMels: src.Features.NMels, Options: res.Options, Frames: res.Frames, FramesKept: res.Kept,
		Skipped: res.Skipped, AudioSeconds: res.Seconds, Seconds: sec, CPUSeconds: cpu}
	if sec > 0 {
		sum.AudioSecondsPerSec = res.Seconds / sec
	}
	if sum.Skipped == nil {
		sum.Skipped = []dataset.Skipped{}
	}
	return sum, nil
}
