package graph

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// waveLogMel computes ext's log-mel frames of each row's span
// x[b, start[b] : start[b]+length[b]] (x: [B, N] float32, N the int32
// scalar n) as feature.Extractor.Compute does: frame t is NFFT samples
// centred at t*Hop (Center; numpy "reflect" or "constant" padding computed
// as indices) or starting there, times the window, |RFFT|^2, the mel
// matrix and log10(1 + 10000 x). It returns feats [B, T, NMels] float32
// (T the batch's most frames; rows past frames[b] are unused) and
// frames [B] int32.
func waveLogMel(s *op.Scope, x, n, start, length tf.Output, ext *feature.Extractor) (feats, frames tf.Output) {
	c := ext.Config()
	hop, nfft, nm := int32(c.Hop), int32(c.NFFT), int32(c.NMels)
	zero, one := i32(s, 0), i32(s, 1)
	var off int32
	if c.Center {
		off = nfft / 2
		frames = add(s, op.FloorDiv(s.SubScope("div"), length, i32(s, hop)), one)
		frames = selectV2(s, op.Greater(s.SubScope("some"), length, zero), frames, zero)
	} else {
		frames = add(s, op.FloorDiv(s.SubScope("div"), sub(s, length, i32(s, nfft)), i32(s, hop)), one)
		frames = selectV2(s, op.GreaterEqual(s.SubScope("some"), length, i32(s, nfft)), frames, zero)
	}
	tmax := op.Maximum(s.SubScope("tmax"), op.Max(s.SubScope("most"), frames, zero), zero)
	t := op.Range(s.SubScope("t"), zero, tmax, one)
	i := op.Range(s.SubScope("i"), zero, i32(s, nfft), one)
	p := add(s, expand(s, sub(s, mul(s, t, i32(s, hop)), i32(s, off)), 1), expand(s, i, 0)) // [T, NFFT]
	pos := expand(s, p, 0)                                                                  // [1, T, NFFT]
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
	fr := gather(s, flat1(s, x), add(s, base, r), 0) // [B, T, NFFT]
	if !reflect {
		fr = selectV2(s, inside, fr, op.Const(s.SubScope("c"), float32(0)))
	}
	fr = mul(s, fr, op.Const(s.SubScope("window"), toF32(ext.Window())))
	spec := op.RFFT(s.SubScope("rfft"), fr, op.Const(s.SubScope("n"), []int32{nfft}))
	power := add(s, op.Square(s.SubScope("re2"), op.Real(s.SubScope("re"), spec)),
		op.Square(s.SubScope("im2"), op.Imag(s.SubScope("im"), spec))) // [B, T, NFFT/2+1]
	bins := int64(nfft/2 + 1)
	mel := matmul(s, op.Reshape(s.SubScope("bins"), power, op.Const(s.SubScope("c"), []int64{-1, bins})),
		op.Const(s.SubScope("melbank"), matrixF32(ext.MelMatrix(), int(bins), int(nm))), false)
	mel = op.Log1p(s.SubScope("log1p"), mul(s, mel, op.Const(s.SubScope("c"), float32(10000))))
	mel = mul(s, mel, op.Const(s.SubScope("c"), float32(1/math.Ln10)))
	shape := op.Pack(s.SubScope("shape"), []tf.Output{dim(s, x, 0), tmax, i32(s, nm)})
	return op.Reshape(s.SubScope("feats"), mel, shape), frames
}

// cutSegments cuts each row's frames[b] frames of feats ([B, T, M]) into
// segments of segLen as embed.Cut with ShortPad: whole segments, the final
// partial one by partial (overlap-last: the last segLen frames; pad: zero
// frames after the end; drop: none), an utterance shorter than segLen
// repeated cyclically into one segment, no frames no segment. The valid
// segments of all rows are compacted: segs [V, segLen, M], rows [V] int32
// (each segment's row), count [B] int32 (segments per row).
func cutSegments(s *op.Scope, feats, frames tf.Output, segLen int, partial string) (segs, rows, count tf.Output) {
	S := int32(segLen)
	zero, one := i32(s, 0), i32(s, 1)
	tmax := dim(s, feats, 1)
	nk := op.FloorDiv(s.SubScope("k"), add(s, tmax, i32(s, S-1)), i32(s, S))
	k := expand(s, expand(s, op.Range(s.SubScope("kr"), zero, nk, one), 0), 2)        // [1, K, 1]
	j := expand(s, expand(s, op.Range(s.SubScope("jr"), zero, i32(s, S), one), 0), 0) // [1, 1, S]
	tb := expand(s, expand(s, frames, 1), 2)                                          // [B, 1, 1]
	whole := op.FloorDiv(s.SubScope("whole"), tb, i32(s, S))
	base := add(s, mul(s, k, i32(s, S)), j) // [1, K, S]
	short := op.Less(s.SubScope("short"), tb, i32(s, S))
	idx := base
	if partial == feature.PartialOverlapLast {
		idx = selectV2(s, op.Equal(s.SubScope("last"), k, whole), add(s, sub(s, tb, i32(s, S)), j), idx)
	}
	cyc := op.FloorMod(s.SubScope("cyc"), j, op.Maximum(s.SubScope("t1"), tb, one))
	idx = selectV2(s, short, cyc, idx) // [B, K, S]
	nsegs := whole
	if partial != feature.PartialDrop {
		nsegs = op.FloorDiv(s.SubScope("ceil"), add(s, tb, i32(s, S-1)), i32(s, S))
	}
	some := op.Greater(s.SubScope("some"), tb, zero)
	nsegs = selectV2(s, op.LogicalAnd(s.SubScope("pad1"), short, some), one, nsegs) // [B, 1, 1]
	count = flat1(s, nsegs)
	valid := op.Less(s.SubScope("valid"), k, nsegs)         // [B, K, 1]
	where := op.Where(s.SubScope("where"), flat1(s, valid)) // [V, 1] int64
	sel := castTo(s, flat1(s, where), tf.Int32)             // [V] indices into the [B*K] segments
	rows = op.FloorDiv(s.SubScope("row"), sel, nk)
	g := gather(s, op.Reshape(s.SubScope("idx"), idx, op.Const(s.SubScope("c"), []int32{-1, S})), sel, 0) // [V, S]
	g = add(s, op.Minimum(s.SubScope("clip"), g, sub(s, tmax, one)), expand(s, mul(s, rows, tmax), 1))
	nm := dim(s, feats, 2)
	flat := op.Reshape(s.SubScope("flat"), feats, op.Pack(s.SubScope("fs"), []tf.Output{i32(s, -1), nm}))
	segs = gather(s, flat, g, 0) // [V, S, M]
	if partial == feature.PartialPad {
		in := op.LogicalOr(s.SubScope("in"), short, op.Less(s.SubScope("lt"), base, tb)) // [B, K, S]
		fv := gather(s, op.Reshape(s.SubScope("fv"), in, op.Const(s.SubScope("c"), []int32{-1, S})), sel, 0)
		segs = selectV2(s, expand(s, fv, 2), segs, op.Const(s.SubScope("c"), float32(0)))
	}
	return segs, rows, count
}

// meanByRow averages the segment embeddings emb ([V, D]) of each row
// (rows [V] int32, count [B] segments per row) in float64, as embed.Pool
// with spec.PoolMean: [B, D] in emb's dtype, zero for rows without
// segments.
func meanByRow(s *op.Scope, emb, rows, count tf.Output) tf.Output {
	e := castTo(s, emb, tf.Double)
	sums := op.UnsortedSegmentSum(s.SubScope("sum"), e, rows, dim(s, count, 0))
	den := expand(s, castTo(s, op.Maximum(s.SubScope("n"), count, i32(s, 1)), tf.Double), 1)
	return castTo(s, op.Div(s.SubScope("mean"), sums, den), emb.DataType())
}

// flat1 reshapes x to one dimension.
func flat1(s *op.Scope, x tf.Output) tf.Output {
	return op.Reshape(s.SubScope("flat"), x, op.Const(s.SubScope("c"), []int32{-1}))
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
