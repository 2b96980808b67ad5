package baseline

import (
	"context"
	"fmt"

	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/source"
)

// RunOptions configure Run.
type RunOptions struct {
	Options
	Workers int  // goroutines loading, featurising and embedding inputs; <= 0: one per core (ordered.Workers)
	Strict  bool // fail on the first unreadable or frame-less input instead of skipping it
	// Progress, when set, is called once per input, in input order.
	Progress func(in source.Input)
}

// Result holds the embeddings of a run.
type Result struct {
	IDs     []string          // utterance ids, one per row
	Utt2Spk map[string]string // rows with a known speaker
	Emb     []float32         // [len(IDs), Dim] float32, row-major
	Dim     int
	Options Options // with defaults filled in
	Frames  int64   // frames of the embedded utterances
	Kept    int64   // frames the statistics cover (Frames less the VAD's drops)
	Seconds float64 // audio duration of the embedded utterances
	Skipped []dataset.Skipped
}

// embedded is one input's outcome, delivered in input order.
type embedded struct {
	vec          []float32
	frames, kept int
	seconds      float64
	err          error
}

// Run embeds the inputs of src (source.Open): Workers goroutines load, featurise and embed
// them (at most 2*Workers ahead; internal/ordered) and the calling
// goroutine collects the results in input order. Unreadable or frame-less
// inputs are recorded in Result.Skipped, or with Strict returned as the
// error; both name the input. ctx ends the run with ctx.Err().
func Run(ctx context.Context, src *source.Set, opts RunOptions) (*Result, error) {
	e, err := NewEmbedder(src.Features.NMels, src.Features.Kind, opts.Options)
	if err != nil {
		return nil, err
	}
	res := &Result{Utt2Spk: map[string]string{}, Dim: e.Dim(), Options: e.Options()}
	work := func(ctx context.Context, i int) embedded {
		frames, n, sec, err := src.Inputs[i].Load(ctx)
		switch {
		case err != nil:
			return embedded{err: err}
		case n <= 0:
			return embedded{err: fmt.Errorf("no frames (shorter than one analysis window)")}
		case len(frames) < n*e.NMels():
			return embedded{err: fmt.Errorf("%d values for %d frames of %d bands", len(frames), n, e.NMels())}
		}
		vec, kept := e.Embed(nil, frames, n)
		return embedded{vec: vec, frames: n, kept: kept, seconds: sec}
	}
	emit := func(i int, r embedded) error {
		in := src.Inputs[i]
		if opts.Progress != nil {
			defer opts.Progress(in)
		}
		if r.err != nil {
			if opts.Strict {
				return fmt.Errorf("baseline: %s: %w", in.Source, r.err)
			}
			res.Skipped = append(res.Skipped, dataset.Skipped{Source: in.Source, Reason: r.err.Error()})
			return nil
		}
		res.IDs = append(res.IDs, in.ID)
		res.Emb = append(res.Emb, r.vec...)
		if in.Speaker != "" {
			res.Utt2Spk[in.ID] = in.Speaker
		}
		res.Frames += int64(r.frames)
		res.Kept += int64(r.kept)
		res.Seconds += r.seconds
		return nil
	}
	if err := ordered.Map(ctx, len(src.Inputs), opts.Workers, work, emit); err != nil {
		return nil, err
	}
	return res, nil
}

// Write stores r as an embeddings directory, the format `voxsiam embed`
// writes (internal/vecio): embeddings.npy and utt.list, utt2spk/spk2utt
// when every utterance has a speaker, and with kaldi embeddings.ark/scp.
func Write(dir string, r *Result, kaldi bool) error {
	opts := vecio.WriteOptions{Kaldi: kaldi}
	if len(r.Utt2Spk) == len(r.IDs) {
		opts.Utt2Spk = r.Utt2Spk
	}
	return vecio.WriteDir(dir, r.IDs, r.Emb, r.Dim, opts)
}
