package graph

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// waveFeatures computes ext's frames (log-mel or Kaldi fbank) of each
// row's span x[b, start[b] : start[b]+length[b]] (x: [B, N] float32, N
// the int32 scalar n) as feature.Extractor.Compute does. It returns feats
// [B, T, NMels] float32 (T the batch's most frames; rows past frames[b]
// are unused) and frames [B] int32.
func waveFeatures(s *op.Scope, x, n, start, length tf.Output, ext *feature.Extractor) (feats, frames tf.Output) {
	c := ext.Config()
	fr, frames, tmax := waveFrames(s.SubScope("frames"), x, n, start, length, c)
	var rows tf.Output // [B*T, NMels]
	if c.Kind == feature.KindFbank {
		rows = fbankRows(s.SubScope("fbank"), fr, ext)
	} else {
		rows = logMelRows(s.SubScope("logmel"), fr, ext)
	}
	shape := op.Pack(s.SubScope("shape"), []tf.Output{dim(s, x, 0), tmax, i32(s, int32(c.NMels))})
	return op.Reshape(s.SubScope("feats"), rows, shape), frames
}

// waveFrames gathers the analysis frames of each row's span: for logmel
// NFFT samples centred at t*Hop (Center; numpy "reflect" or "constant"
// padding computed as indices) or starting there, for fbank WinLength
// samples starting at t*Hop (Kaldi snip_edges). It returns fr [B, T, W]
// float32, frames [B] int32 and T, the int32 scalar max(frames).
func waveFrames(s *op.Scope, x, n, start, length tf.Output, c feature.Config) (fr, frames, tmax tf.Output) {
	hop, width := int32(c.Hop), int32(c.NFFT)
	if c.Kind == feature.KindFbank {
		width = int32(c.WinLength)
	}
	zero, one := i32(s, 0), i32(s, 1)
	var off int32
	if c.Center {
		off = width / 2
		frames = add(s, op.FloorDiv(s.SubScope("div"), length, i32(s, hop)), one)
		frames = selectV2(s, op.Greater(s.SubScope("some"), length, zero), frames, zero)
	} else {
		frames = add(s, op.FloorDiv(s.SubScope("div"), sub(s, length, i32(s, width)), i32(s, hop)), one)
		frames = selectV2(s, op.GreaterEqual(s.SubScope("some"), length, i32(s, width)), frames, zero)
	}
	tmax = op.Maximum(s.SubScope("tmax"), op.Max(s.SubScope("most"), frames, zero), zero)
	t := op.Range(s.SubScope("t"), zero, tmax, one)
	i := op.Range(s.SubScope("i"), zero, i32(s, width), one)
	p := add(s, expand(s, sub(s, mul(s, t, i32(s, hop)), i32(s, off)), 1), expand(s, i, 0)) // [T, W]
	pos := expand(s, p, 0)                                                                  // [1, T, W]
	lb := expand(s, expand(s, length, 1), 2)                                                // [B, 1, 1]
	inside := op.LogicalAnd(s.SubScope("inside"), op.GreaterEqual(s.SubScope("ge"), pos, zero), op.Less(s.SubScope("lt"), pos, lb))
	var r tf.Output
	reflect := c.Center && c.PadMode == "reflect"
	if reflect { // numpy reflect: period 2(L-1), mirrored without the edge; L = 1 repeats x[0]
		per := op.Maximum(s.SubScope("per"), mul(s, sub(s, lb, one), i32(s, 2)), one)
		r = op.FloorMod(s.SubScope("mod"), pos, per)
		r = selectV2(s, op.GreaterEqual(s.SubScope("back"), r, lb), sub(s, per, r), r)
		r = selectV2(s, op.Equal(s.SubScope("single"), lb, one), zero, r)
		r = op.Minimum(s.SubScope("edge"), r, op.Maximum(s.SubScope("last"), sub(s, lb, one), zero)) // rows without samples
	} else {
		r = selectV2(s, inside, pos, zero)
	}
	rowStart := mul(s, op.Range(s.SubScope("rows"), zero, dim(s, x, 0), one), n)
	base := expand(s, expand(s, add(s, rowStart, start), 1), 2)
	fr = gather(s, flat1(s, x), add(s, base, r), 0) // [B, T, W]
	if !reflect {
		fr = selectV2(s, inside, fr, op.Const(s.SubScope("c"), float32(0)))
	}
	return fr, frames, tmax
}

// logMelRows is log10(1 + 10000 mel) of the power spectra of the windowed
// frames fr ([B, T, NFFT] float32), in float32: [B*T, NMels].
func logMelRows(s *op.Scope, fr tf.Output, ext *feature.Extractor) tf.Output {
	c := ext.Config()
	fr = mul(s, fr, op.Const(s.SubScope("window"), toF32(ext.Window())))
	mel := melEnergies(s, fr, c, tf.Float, matrixF32(ext.MelMatrix(), c.NFFT/2+1, c.NMels))
	mel = op.Log1p(s.SubScope("log1p"), mul(s, mel, op.Const(s.SubScope("c"), float32(10000))))
	return mul(s, mel, op.Const(s.SubScope("c"), float32(1/math.Ln10)))
}

// fbankRows is Kaldi fbank of the frames fr ([B, T, WinLength] float32),
// in float64 as the Go extractor: scaled to the int16 range, DC removed,
// pre-emphasised (x[i] - k x[i-1], x[0] - k x[0]), windowed, zero-padded
// to NFFT, mel energies, ln(max(e, FLT_EPSILON)):
// [B*T, NMels] float32.
func fbankRows(s *op.Scope, fr tf.Output, ext *feature.Extractor) tf.Output {
	c := ext.Config()
	f := mul(s, castTo(s, fr, tf.Double), op.Const(s.SubScope("c"), 32768.0))
	f = sub(s, f, op.Mean(s.SubScope("dc"), f, i32(s, 2), op.MeanKeepDims(true)))
	if k := c.PreEmphasis; k != 0 {
		w := int32(c.WinLength)
		prev := concat(s, 2, op.Slice(s.SubScope("first"), f, i32(s, 0, 0, 0), i32(s, -1, -1, 1)),
			op.Slice(s.SubScope("prev"), f, i32(s, 0, 0, 0), i32(s, -1, -1, w-1)))
		f = sub(s, f, mul(s, prev, op.Const(s.SubScope("c"), k)))
	}
	f = mul(s, f, op.Const(s.SubScope("window"), ext.Window()))
	if pad := int32(c.NFFT - c.WinLength); pad > 0 { // RFFT's kernel wants all NFFT inputs
		f = op.Pad(s.SubScope("pad"), f, op.Const(s.SubScope("c"), [][]int32{{0, 0}, {0, 0}, {0, pad}}))
	}
	mel := melEnergies(s, f, c, tf.Double, matrixF64(ext.MelMatrix(), c.NFFT/2+1, c.NMels))
	mel = op.Maximum(s.SubScope("floor"), mel, op.Const(s.SubScope("c"), 1.1920928955078125e-07))
	return castTo(s, op.Log(s.SubScope("ln"), mel), tf.Float)
}

// melEnergies is the mel matrix bank ([NFFT/2+1][NMels] of dt) applied to
// |RFFT(f)|^2 of f ([B, T, NFFT] of dt): [B*T, NMels].
func melEnergies(s *op.Scope, f tf.Output, c feature.Config, dt tf.DataType, bank any) tf.Output {
	cdt := tf.Complex64
	if dt == tf.Double {
		cdt = tf.Complex128
	}
	spec := op.RFFT(s.SubScope("rfft"), f, op.Const(s.SubScope("n"), []int32{int32(c.NFFT)}), op.RFFTTcomplex(cdt))
	power := add(s, op.Square(s.SubScope("re2"), op.Real(s.SubScope("re"), spec, op.RealTout(dt))),
		op.Square(s.SubScope("im2"), op.Imag(s.SubScope("im"), spec, op.ImagTout(dt)))) // [B, T, NFFT/2+1]
	bins := int64(c.NFFT/2 + 1)
	flat := op.Reshape(s.SubScope("bins"), power, op.Const(s.SubScope("c"), []int64{-1, bins}))
	return matmul(s, flat, op.Const(s.SubScope("melbank"), bank), false)
}

// flat1 reshapes x to one dimension.
func flat1(s *op.Scope, x tf.Output) tf.Output {
	return op.Reshape(s.SubScope("flat"), x, op.Const(s.SubScope("c"), []int32{-1}))
}

// matrixF64 is x ([r*c] row-major) as an [r][c] float64 constant.
func matrixF64(x []float64, r, c int) [][]float64 {
	out := make([][]float64, r)
	for i := range out {
		out[i] = x[i*c : (i+1)*c]
	}
	return out
}

// matrixF32 is x ([r*c] row-major float64) as an [r][c] float32 constant.
func matrixF32(x []float64, r, c int) [][]float32 {
	out := make([][]float32, r)
	for i := range out {
		out[i] = toF32(x[i*c : (i+1)*c])
	}
	return out
}

func toF32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}
