package train

import (
	"sync"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// cmnSource is a Source whose crops are mean-normalised as [model] cmn
// says (feature.ApplyCMN over the whole utterance, then cropped): the
// store keeps its frames as computed, so one store serves every setting.
// Training batches and the validation set read through it, so both see
// what embed and embed_waveform give the network.
type cmnSource struct {
	Source
	mode   string
	window int
	mu     sync.Mutex
	means  map[int64][]float64 // CMNUtterance: each drawn utterance's mean by u.First, 8*NMels bytes apiece
}

// withCMN returns src normalised by m's cmn (defaults applied): src itself
// for "none".
func withCMN(src Source, m spec.Config) Source {
	m = m.WithDefaults()
	if m.CMN == feature.CMNNone {
		return src
	}
	return &cmnSource{Source: src, mode: m.CMN, window: m.CMNWindow, means: map[int64][]float64{}}
}

// Crop copies rows [start, start+n) of u, normalised, into dst: [n,
// NMels] float32 (dst's own memory when its capacity suffices, as the
// sampler relies on). Utterance CMN subtracts the utterance's mean
// (computed once per utterance); sliding CMN reads the span the crop's
// windows cover (feature.CMNSpan) and normalises from it, which equals
// normalising the whole utterance and cropping.
func (c *cmnSource) Crop(dst []float32, u store.Utterance, start, n int) []float32 {
	if n == 0 {
		return c.Source.Crop(dst, u, start, n)
	}
	if c.mode == feature.CMNUtterance {
		dst = c.Source.Crop(dst, u, start, n)
		feature.SubtractMeanOf(dst, n, c.mean(u))
		return dst
	}
	rows := int(u.Rows)
	lo, hi := feature.CMNSpan(start, start+n, rows, c.window)
	span := c.Source.Crop(nil, u, lo, hi-lo)
	return feature.SlidingCMNSpan(dst, span, lo, start, start+n, rows, c.NMels(), c.window)
}

// mean is the per-bin mean of all of u's frames, cached (Crop runs on
// several prefetch goroutines).
func (c *cmnSource) mean(u store.Utterance) []float64 {
	c.mu.Lock()
	m, ok := c.means[u.First]
	c.mu.Unlock()
	if ok {
		return m
	}
	frames := c.Source.Crop(nil, u, 0, int(u.Rows))
	m = feature.ColumnMean(frames, int(u.Rows), c.NMels())
	c.mu.Lock()
	c.means[u.First] = m
	c.mu.Unlock()
	return m
}
