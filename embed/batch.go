package embed

import (
	"fmt"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// pending is an utterance whose segments wait in the batch.
type pending struct {
	in      Input
	nSegs   int
	weights []float32
}

// batcher collects segments of whole utterances until a batch is full,
// runs the model and pools the results into Result.
type batcher struct {
	m    *Model
	opts ExtractOptions
	res  *Result
	segs []float32 // segments cut but not run yet
	utts []pending // utterances not emitted yet, in order: the first ones' segments are in done, the rest in segs
	done []float32 // embeddings of run segments of utts[0:], not emitted yet
	dist []float32 // their distributions (Distributions)
}

// add normalises one loaded input's frames as the model's cmn says
// (Model.CMN; over the frames Load gave, i.e. after features.vad
// trimming), cuts them into segments and flushes full batches.
func (b *batcher) add(l loaded) error {
	if l.err != nil {
		if b.opts.Strict {
			return fmt.Errorf("embed: %s: %w", l.in.Source, l.err)
		}
		b.skip(l.in, l.err.Error())
		return nil
	}
	if len(l.frames) < l.n*b.m.Bins {
		return fmt.Errorf("embed: %s: %d values for %d frames of %d bins", l.in.Source, len(l.frames), l.n, b.m.Bins)
	}
	if l.seconds < b.opts.MinDuration {
		b.skip(l.in, fmt.Sprintf("%.3f s of audio, shorter than the minimum duration %g s", l.seconds, b.opts.MinDuration))
		return nil
	}
	frames := l.frames
	if mode, win := b.m.CMN(); mode != feature.CMNNone {
		// a copy: inputs may share frames (diarize's overlapping windows of one recording)
		frames = append([]float32(nil), l.frames[:l.n*b.m.Bins]...)
		feature.ApplyCMN(frames, l.n, b.m.Bins, mode, win)
	}
	segs, w, n := Cut(frames, l.n, b.m.Bins, b.m.Frames, b.opts.Short, b.m.Partial())
	if n == 0 {
		b.skip(l.in, fmt.Sprintf("%d frames, shorter than one %d-frame segment", l.n, b.m.Frames))
		return nil
	}
	if l.n < b.m.Frames {
		b.res.Padded = append(b.res.Padded, dataset.Skipped{Source: l.in.Source,
			Reason: fmt.Sprintf("%.3f s of audio (%d frames), shorter than one %d-frame segment: repeat-padded", l.seconds, l.n, b.m.Frames)})
	}
	b.res.Seconds += l.seconds
	b.segs = append(b.segs, segs...)
	b.utts = append(b.utts, pending{in: l.in, nSegs: n, weights: w})
	if b.opts.Progress != nil {
		b.opts.Progress(l.in, n)
	}
	if len(b.segs) >= b.opts.Batch*b.m.Frames*b.m.Bins {
		return b.flush(false)
	}
	return nil
}

func (b *batcher) skip(in Input, defect string) {
	b.res.Skipped = append(b.res.Skipped, dataset.Skipped{Source: in.Source, Reason: defect})
	if b.opts.Progress != nil {
		b.opts.Progress(in, 0)
	}
}

// flush runs whole batches of the pending segments (with final, all of
// them) and emits every utterance whose segments are all done. Segments of
// an utterance may span two runs: the remainder waits for the next batch
// rather than running as a small batch of its own, so every run but the
// last is a full Batch.
func (b *batcher) flush(final bool) error {
	seg := b.m.Frames * b.m.Bins
	n := len(b.segs) / seg
	if !final {
		n -= n % b.opts.Batch
	}
	if n > 0 {
		emb, dim, err := b.m.Embed(b.segs[:n*seg], n)
		if err != nil {
			return err
		}
		b.res.Dim = dim
		b.done = append(b.done, emb...)
		if b.opts.Distributions {
			dist, dd, err := b.m.Distribution(b.segs[:n*seg], n)
			if err != nil {
				return err
			}
			b.res.DistDim = dd
			b.dist = append(b.dist, dist...)
		}
		b.res.Segments += n
		b.segs = b.segs[:copy(b.segs, b.segs[n*seg:])]
	}
	dim, dd := b.res.Dim, b.res.DistDim
	k, u := 0, 0 // rows and utterances emitted
	for ; u < len(b.utts) && dim > 0 && (k+b.utts[u].nSegs)*dim <= len(b.done); u++ {
		nu := b.utts[u].nSegs
		b.emit(b.utts[u], b.done[k*dim:(k+nu)*dim], dim, sliceRows(b.dist, k, nu, dd), dd)
		k += nu
	}
	b.utts = b.utts[:copy(b.utts, b.utts[u:])]
	b.done = b.done[:copy(b.done, b.done[k*dim:])]
	if b.dist != nil {
		b.dist = b.dist[:copy(b.dist, b.dist[k*dd:])]
	}
	return b.spill()
}

// spill moves the emitted rows to ExtractOptions.EmbOut and DistOut when
// they are set.
func (b *batcher) spill() error {
	r := b.res
	if o := b.opts.EmbOut; o != nil && len(r.Emb) > 0 {
		if err := o.Append(r.Emb, r.Dim); err != nil {
			return err
		}
		r.Emb = r.Emb[:0]
	}
	if o := b.opts.DistOut; o != nil && len(r.Dist) > 0 {
		if err := o.Append(r.Dist, r.DistDim); err != nil {
			return err
		}
		r.Dist = r.Dist[:0]
	}
	return nil
}

func sliceRows(x []float32, k, n, d int) []float32 {
	if x == nil {
		return nil
	}
	return x[k*d : (k+n)*d]
}

// emit appends the rows of one utterance: pooled, or one per segment.
func (b *batcher) emit(u pending, emb []float32, dim int, dist []float32, dd int) {
	r := b.res
	if b.opts.Pooling == spec.PoolNone {
		for s := 0; s < u.nSegs; s++ {
			id := fmt.Sprintf("%s-%04d", u.in.ID, s)
			b.row(id, u.in.Speaker)
		}
		r.Emb = append(r.Emb, emb...)
		r.Dist = append(r.Dist, dist...)
		return
	}
	b.row(u.in.ID, u.in.Speaker)
	r.Emb = append(r.Emb, Pool(nil, emb, u.weights, u.nSegs, dim, b.opts.Pooling)...)
	if dist != nil {
		r.Dist = append(r.Dist, Pool(nil, dist, u.weights, u.nSegs, dd, b.opts.Pooling)...)
	}
}

func (b *batcher) row(id, speaker string) {
	b.res.IDs = append(b.res.IDs, id)
	if speaker != "" {
		b.res.Utt2Spk[id] = speaker
	}
}
