package baseline

import (
	"fmt"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// DefaultVADThresholdDB is Options.VADThresholdDB's default.
const DefaultVADThresholdDB = 30

// Options choose the statistics. The zero value is the default baseline:
// 20 MFCCs, no CMN, no VAD.
type Options struct {
	// NCeps is the number of MFCCs (DCT-II coefficients of each log-mel
	// frame, c0 included). 0 means feature.DefaultNCeps (20); it must not
	// exceed the number of mel bands.
	NCeps int `json:"n_ceps"`
	// CMN subtracts each utterance's MFCC mean from its MFCCs before the
	// statistics (the MFCC mean block becomes 0). Default off; see the
	// package documentation for why.
	CMN bool `json:"cmn"`
	// VAD drops frames more than VADThresholdDB below the utterance's
	// loudest frame before the statistics (feature.DropSilentFrames).
	// Default off.
	VAD bool `json:"vad"`
	// VADThresholdDB is the VAD's distance below the loudest frame, in dB.
	// 0 means DefaultVADThresholdDB (30 dB: drops pauses and near-silence,
	// keeps unvoiced speech, which lies 10-30 dB below the vowels).
	VADThresholdDB float64 `json:"vad_threshold_db"`
}

// withDefaults fills the zero values.
func (o Options) withDefaults() Options {
	if o.NCeps == 0 {
		o.NCeps = feature.DefaultNCeps
	}
	if o.VADThresholdDB == 0 {
		o.VADThresholdDB = DefaultVADThresholdDB
	}
	return o
}

// Embedder turns an utterance's frames into its baseline embedding. It is
// read-only after NewEmbedder and safe for concurrent use.
type Embedder struct {
	opts  Options
	kind  string // feature.KindLogMel or feature.KindFbank: how the frames were compressed (for the VAD)
	nMels int
	dct   *feature.DCT
}

// NewEmbedder makes an Embedder for frames of nMels bands of the feature
// kind (feature.KindLogMel or feature.KindFbank).
func NewEmbedder(nMels int, kind string, opts Options) (*Embedder, error) {
	opts = opts.withDefaults()
	if kind != feature.KindLogMel && kind != feature.KindFbank {
		return nil, fmt.Errorf("baseline: feature kind %q: want %s or %s", kind, feature.KindLogMel, feature.KindFbank)
	}
	if opts.NCeps < 0 || opts.VADThresholdDB < 0 {
		return nil, fmt.Errorf("baseline: %d MFCCs, VAD threshold %g dB: want both > 0", opts.NCeps, opts.VADThresholdDB)
	}
	dct, err := feature.NewDCT(nMels, opts.NCeps)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return &Embedder{opts: opts, kind: kind, nMels: nMels, dct: dct}, nil
}

// Options returns the options with their defaults filled in.
func (e *Embedder) Options() Options { return e.opts }

// Dim is the embedding dimension, 2*NMels + 2*NCeps.
func (e *Embedder) Dim() int { return 2*e.nMels + 2*e.opts.NCeps }

// NMels is the number of mel bands of the input frames.
func (e *Embedder) NMels() int { return e.nMels }

// Embed computes the embedding of one utterance into dst (reused when its
// capacity suffices) and returns it with the number of frames the
// statistics cover (nFrames, or fewer with VAD; at least 1).
//
//	frames: [nFrames, NMels] float32, row-major, nFrames > 0; not modified
//	result: [Dim] float32: mean and std of the frames, mean and std of their MFCCs
//
// It panics when nFrames <= 0 or frames is too short.
func (e *Embedder) Embed(dst, frames []float32, nFrames int) ([]float32, int) {
	if nFrames <= 0 || len(frames) < nFrames*e.nMels {
		panic("baseline: Embed needs nFrames > 0 frames of NMels bands")
	}
	frames = frames[:nFrames*e.nMels]
	if e.opts.VAD {
		frames, nFrames = feature.DropSilentFrames(nil, frames, nFrames, e.nMels, e.kind, e.opts.VADThresholdDB)
	}
	if cap(dst) < e.Dim() {
		dst = make([]float32, e.Dim())
	}
	dst = dst[:e.Dim()]
	MeanStd(dst[:2*e.nMels], frames, nFrames, e.nMels)
	ceps := e.dct.MFCC(nil, frames, nFrames)
	if e.opts.CMN {
		feature.SubtractMean(ceps, nFrames, e.opts.NCeps)
	}
	MeanStd(dst[2*e.nMels:], ceps, nFrames, e.opts.NCeps)
	return dst, nFrames
}
