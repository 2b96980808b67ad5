package graph

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// The embed_waveform part of a serving graph (BuildServing) computes what
// `voxsiam embed` computes on the host, from audio already at the model's
// sample rate (resampling stays with the caller):
//
//	waveform [batch, samples] float32 in [-1, 1], lengths [batch] int32
//	  -> mask samples at or past lengths[b] (clipped to [0, samples])
//	  -> feature.TrimSilence when features.vad (float64 prefix sums, as Go)
//	  -> frames as feature.Extractor: logmel (center/reflect or constant
//	     padding by index arithmetic, window, RFFT, |X|^2, mel matrix,
//	     log10(1 + 10000 x), float32) or Kaldi fbank (snip_edges frames,
//	     int16 scale, DC removal, pre-emphasis, window, RFFT, mel matrix,
//	     ln(max(e, FLT_EPSILON)), float64)
//	  -> the model's cmn (feature.ApplyCMN over each row's frames:
//	     utterance or centred sliding-window mean, float64 sums)
//	  -> segments as embed.Cut with ShortPad and features.partial
//	  -> the network (tower "model_w", the export's weights and precision)
//	  -> mean of each utterance's segment embeddings (float64 sums)
//	  -> waveform_embedding [batch, D], waveform_segments [batch] int32
//
// Only TensorFlow C++ kernels are used (Range, GatherV2, FloorMod,
// SelectV2, Cumsum, RFFT, MatMul, Where, UnsortedSegmentSum, ...), so any
// TensorFlow runtime runs it. An utterance with no frames (empty, or all
// of it trimmed) has 0 segments and a zero embedding.

// WaveformSupport reports why the embed_waveform signature cannot compute
// features f for the network cfg (nil when it can): f must be valid and
// have cfg.Bins mel bands.
func WaveformSupport(cfg Config, f feature.Config) error {
	cfg, f = cfg.WithDefaults(), f.WithDefaults()
	if err := f.Validate(); err != nil {
		return fmt.Errorf("graph: embed_waveform: %w", err)
	}
	if f.NMels != cfg.Bins {
		return fmt.Errorf("graph: embed_waveform: features have %d mel bands, the network takes %d", f.NMels, cfg.Bins)
	}
	return nil
}

// BuildServing builds the Inference graph of cfg (Build) plus the
// embed_waveform part for features (nil: feature.DefaultConfig()):
// Model.Waveform, Lengths, WaveformEmbedding and WaveformSegments. It
// fails when WaveformSupport does.
func BuildServing(cfg Config, features *feature.Config) (*Model, error) {
	f := feature.DefaultConfig()
	if features != nil {
		f = *features
	}
	if err := WaveformSupport(cfg, f); err != nil {
		return nil, err
	}
	f = f.WithDefaults()
	return buildServing(cfg, &f, false)
}

// buildServing is BuildServing of checked features f; floatInt8 as build.
func buildServing(cfg Config, f *feature.Config, floatInt8 bool) (*Model, error) {
	return build(cfg, Inference, nil, nil, f, floatInt8)
}

// waveformPart adds the embed_waveform inputs, features, segments, the
// tower "model_w" on them (weights w) and the pooled outputs.
func (b *builder) waveformPart(m *Model, w netWeights) {
	f := *b.wave
	ext, err := feature.NewExtractor(f)
	if err != nil {
		panic(err) // BuildServing validated f; recoverErr reports it
	}
	s := b.root.SubScope("waveform_fn")
	m.Waveform = b.placeholder("waveform", tf.Float, -1, -1)
	m.Lengths = b.placeholder("lengths", tf.Int32, -1)
	x, n, length := maskWaveform(s.SubScope("mask"), m.Waveform, m.Lengths)
	start := op.ZerosLike(s.SubScope("start"), length)
	if f.VAD {
		start, length = trimSilence(s.SubScope("vad"), x, n, length, f)
	}
	feats, frames := waveFeatures(s.SubScope("features"), x, n, start, length, ext)
	feats = waveCMN(s.SubScope("cmn"), feats, frames, b.cfg.CMN, b.cfg.CMNWindow)
	segs, rows, count := cutSegments(s.SubScope("segments"), feats, frames, b.cfg.Frames, f.Partial)
	if err := s.Err(); err != nil {
		panic(fmt.Errorf("embed_waveform features: %w", err)) // before the tower hides it
	}
	tw := b.tower("model_w", w, castTo(s, segs, b.dt), m.Training, m.DropoutSeed)
	emb := meanByRow(s.SubScope("pool"), tw[b.cfg.EmbeddingLayer], rows, count)
	m.WaveformEmbedding = b.identity("waveform_embedding", emb)
	m.WaveformSegments = b.identity("waveform_segments", count)
}

// maskWaveform returns wave ([B, N] float32) with the samples at or past
// each row's length zeroed, N (int32 scalar) and the lengths clipped to
// [0, N] ([B] int32).
func maskWaveform(s *op.Scope, wave, lengths tf.Output) (x, n, length tf.Output) {
	n = dim(s, wave, 1)
	length = op.Minimum(s.SubScope("min"), op.Maximum(s.SubScope("max"), lengths, i32(s, 0)), n)
	idx := op.Range(s.SubScope("idx"), i32(s, 0), n, i32(s, 1))
	keep := op.Less(s.SubScope("keep"), expand(s, idx, 0), expand(s, length, 1))
	return selectV2(s, keep, wave, op.Const(s.SubScope("zero"), float32(0))), n, length
}

// trimSilence is feature.TrimSilence per row of x ([B, N], zero past
// length): frame mean squares over NFFT samples every Hop from float64
// prefix sums, frames within VADThresholdDB of the row's loudest kept.
// It returns each row's kept span as start and length ([B] int32).
func trimSilence(s *op.Scope, x, n, length tf.Output, f feature.Config) (start, kept tf.Output) {
	hop, fl := int32(f.Hop), int32(f.NFFT)
	t := op.Range(s.SubScope("t"), i32(s, 0), add(s, op.FloorDiv(s.SubScope("div"), n, i32(s, hop)), i32(s, 1)), i32(s, 1))
	ms := op.Div(s.SubScope("ms"), windowEnergy(s.SubScope("energy"), x, t, hop, fl), op.Const(s.SubScope("c"), float64(fl)))
	nt := add(s, op.FloorDiv(s.SubScope("div"), length, i32(s, hop)), i32(s, 1))
	valid := op.Less(s.SubScope("valid"), expand(s, t, 0), expand(s, nt, 1)) // [B, T]
	ms = selectV2(s, valid, ms, op.Const(s.SubScope("c"), 0.0))
	db := func(v tf.Output) tf.Output {
		v = op.Maximum(s.SubScope("floor"), v, op.Const(s.SubScope("c"), 1e-10))
		return mul(s, op.Log(s.SubScope("log"), v), op.Const(s.SubScope("c"), 10/math.Ln10))
	}
	floor := sub(s, db(op.Max(s.SubScope("ref"), ms, i32(s, 1))), op.Const(s.SubScope("c"), f.VADThresholdDB))
	loud := op.LogicalAnd(s.SubScope("loud"), op.Greater(s.SubScope("gt"), db(ms), expand(s, floor, 1)), valid)
	tt := expand(s, t, 0)
	first := op.Min(s.SubScope("first"), selectV2(s, loud, tt, i32(s, math.MaxInt32)), i32(s, 1))
	last := op.Max(s.SubScope("last"), selectV2(s, loud, tt, i32(s, -1)), i32(s, 1))
	any := op.GreaterEqual(s.SubScope("any"), last, i32(s, 0))
	start = selectV2(s, any, mul(s, first, i32(s, hop)), i32(s, 0))
	end := op.Minimum(s.SubScope("end"), length, mul(s, add(s, last, i32(s, 1)), i32(s, hop)))
	kept = selectV2(s, any, op.Maximum(s.SubScope("len"), sub(s, end, start), i32(s, 0)), i32(s, 0))
	return start, kept
}

// windowEnergy is the energy of x ([B, N] float32, zero past each length)
// in the windows [t*hop - fl/2, t*hop - fl/2 + fl) of frames t ([T]
// int32), samples outside [0, N) zero, as float64 [B, T]: what
// feature.TrimSilence takes from float64 prefix sums. Summed as blocks of
// g = gcd(hop, fl/2, fl) samples, then the fl/g blocks of each window, so
// that the graph stays as accurate with float32 arithmetic (the TFLite
// conversion rewrites float64 to float32; a float32 prefix sum over a long
// utterance would lose the quiet frames' energies).
func windowEnergy(s *op.Scope, x, t tf.Output, hop, fl int32) tf.Output {
	half := fl / 2
	g := gcd(gcd(hop, half), fl)
	x64 := castTo(s, x, tf.Double)
	sq := op.Pad(s.SubScope("pad"), mul(s, x64, x64), op.Const(s.SubScope("c"), [][]int32{{0, 0}, {half, fl + g}}))
	blocks := op.FloorDiv(s.SubScope("nb"), dim(s, sq, 1), i32(s, g))
	sq = op.Slice(s.SubScope("whole"), sq, i32(s, 0, 0), op.Pack(s.SubScope("size"), []tf.Output{i32(s, -1), mul(s, blocks, i32(s, g))}))
	bs := op.Reshape(s.SubScope("blocks"), sq, op.Pack(s.SubScope("bshape"), []tf.Output{dim(s, sq, 0), blocks, i32(s, g)}))
	bsum := op.Sum(s.SubScope("bsum"), bs, i32(s, 2)) // [B, K]
	j := op.Range(s.SubScope("j"), i32(s, 0), i32(s, fl/g), i32(s, 1))
	idx := add(s, expand(s, mul(s, t, i32(s, hop/g)), 1), expand(s, j, 0)) // [T, fl/g]: window t starts at block t*hop/g of the padded row
	return op.Sum(s.SubScope("wsum"), gather(s, bsum, idx, 1), i32(s, 2))
}

func gcd(a, b int32) int32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// dim is dimension i of x's shape, an int32 scalar.
func dim(s *op.Scope, x tf.Output, i int32) tf.Output {
	sh := op.Shape(s.SubScope("shape"), x, op.ShapeOutType(tf.Int32))
	return op.GatherV2(s.SubScope("dim"), sh, i32(s, i), i32(s, 0))
}

// expand inserts a dimension of size 1 at axis.
func expand(s *op.Scope, x tf.Output, axis int32) tf.Output {
	return op.ExpandDims(s.SubScope("expand"), x, i32(s, axis))
}

// gather is GatherV2 of params at indices along axis.
func gather(s *op.Scope, params, indices tf.Output, axis int32) tf.Output {
	return op.GatherV2(s.SubScope("gather"), params, indices, i32(s, axis))
}

// selectV2 is SelectV2 (broadcasting where; no Go wrapper).
func selectV2(s *op.Scope, cond, a, b tf.Output) tf.Output {
	return rawOp(s, "SelectV2", nil, cond, a, b).Output(0)
}
