package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

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
