package embed

import (
	"context"
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// ExtractOptions configure Extract.
type ExtractOptions struct {
	Short string // ShortPad (default) or ShortSkip
	// MinDuration skips inputs with less audio (seconds; Result.Skipped),
	// before the Short policy applies; 0 keeps every input.
	MinDuration   float64
	Pooling       string // spec.PoolMean, spec.PoolWeighted or spec.PoolNone; default the model's (Model.Pooling)
	Workers       int    // decode+featurise goroutines; <= 0: one per core (ordered.Workers)
	Distributions bool   // also run the "distribution" signature
	Strict        bool   // fail on the first unreadable input instead of skipping it
	// Batch is the number of segments collected before a session run;
	// default DefaultBatch.
	Batch int
	// Progress, when set, is called once per input, in input order.
	Progress func(in Input, segments int)
	// EmbOut, when set, receives the embedding rows as they are pooled
	// (and DistOut the distributions) instead of Result.Emb (Result.Dist),
	// which stay empty: memory does not grow with the inputs but for
	// their ids and speakers. The caller commits them (WriteStreamed).
	EmbOut, DistOut *vecio.NpyRows
}

// Result holds the embeddings of an extraction.
type Result struct {
	IDs      []string          // one per row: utterance ids, or "<utt>-<k>" segment ids with spec.PoolNone
	Utt2Spk  map[string]string // rows with a known speaker
	Emb      []float32         // [len(IDs), Dim] float32, row-major
	Dim      int
	Dist     []float32 // [len(IDs), DistDim] with Distributions (pooled like Emb)
	DistDim  int
	Segments int     // segments run through the model
	Seconds  float64 // audio duration of the embedded utterances
	Skipped  []dataset.Skipped
	// Padded are the embedded utterances shorter than one segment, which
	// ShortPad repeat-padded: their embeddings rest on little audio.
	Padded []dataset.Skipped
}

// loaded is one featurised input, delivered in input order.
type loaded struct {
	in      Input
	frames  []float32
	n       int
	seconds float64
	err     error
}

// Extract embeds inputs with m: a pool of Workers goroutines loads and
// featurises inputs (in order, at most 2*Workers ahead) while the calling
// goroutine cuts segments (Cut), runs batches through the model and pools
// them per utterance (Pool). Unreadable inputs are recorded in
// Result.Skipped (Strict: returned as the error), as are those shorter
// than MinDuration, and with ShortSkip those shorter than one segment;
// ShortPad pads these and lists them in Result.Padded.
func Extract(ctx context.Context, m *Model, inputs []Input, opts ExtractOptions) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults(m)
	if err := opts.Validate(); err != nil { // only the model's pooling can be at fault here
		return nil, errs.BadData("embed: the model's %s: %v", spec.MetaAsset, err)
	}
	if opts.Distributions && !m.HasDistribution() {
		return nil, fmt.Errorf("embed: the model has no distribution signature")
	}
	res := &Result{Utt2Spk: map[string]string{}}
	b := &batcher{m: m, opts: opts, res: res}
	load := func(ctx context.Context, i int) loaded {
		l := loaded{in: inputs[i]}
		l.frames, l.n, l.seconds, l.err = inputs[i].Load(ctx)
		return l
	}
	if err := ordered.Map(ctx, len(inputs), opts.Workers, load, func(_ int, l loaded) error { return b.add(l) }); err != nil {
		return nil, err
	}
	if err := b.flush(true); err != nil {
		return nil, err
	}
	return res, nil
}

func (o ExtractOptions) withDefaults(m *Model) ExtractOptions {
	if o.Short == "" {
		o.Short = ShortPad
	}
	if o.Pooling == "" {
		o.Pooling = m.Pooling()
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	return o
}

// Validate reports an unknown Short or Pooling word or a negative
// MinDuration as a usage error (errs.ErrUsage); "" is a default.
func (o ExtractOptions) Validate() error {
	switch {
	case o.Pooling != "":
		if _, err := spec.ParsePooling("embed: pooling", o.Pooling); err != nil {
			return err
		}
	}
	switch {
	case o.Short != "" && o.Short != ShortPad && o.Short != ShortSkip:
		return errs.Usage("embed: short %q: want pad or skip", o.Short)
	case o.MinDuration < 0 || math.IsNaN(o.MinDuration):
		return errs.Usage("embed: min-duration %g: want >= 0 seconds", o.MinDuration)
	}
	return nil
}
