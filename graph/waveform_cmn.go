package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// waveCMN normalises each row's first frames[b] frames of feats ([B, T,
// M] float32) as feature.ApplyCMN with mode and window w: utterance, the
// per-bin mean over those frames; sliding, the mean over each frame's
// centred window (feature.CMNWindow: [t - w/2, t - w/2 + w) shifted
// inside [0, frames[b])) from float64 prefix sums over the frames. The
// sums run in float64, the result is float32 as on the host. Frames past
// frames[b] are masked out of every sum and stay unused (cutSegments
// reads none of them); "none" returns feats.
func waveCMN(s *op.Scope, feats, frames tf.Output, mode string, w int) tf.Output {
	if mode == feature.CMNNone {
		return feats
	}
	zero, one := i32(s, 0), i32(s, 1)
	tmax := dim(s, feats, 1)
	t := op.Range(s.SubScope("t"), zero, tmax, one) // [T]
	nb := expand(s, frames, 1)                      // [B, 1]
	valid := op.Less(s.SubScope("valid"), expand(s, t, 0), nb)
	x := castTo(s, feats, tf.Double)
	x = selectV2(s, expand(s, valid, 2), x, op.Const(s.SubScope("zero"), 0.0)) // [B, T, M], zero past frames[b]
	var mean tf.Output
	if mode == feature.CMNUtterance {
		total := op.Sum(s.SubScope("total"), x, i32(s, 1), op.SumKeepDims(true)) // [B, 1, M]
		count := castTo(s, op.Maximum(s.SubScope("n"), frames, one), tf.Double)
		mean = op.Div(s.SubScope("mean"), total, expand(s, expand(s, count, 1), 2))
	} else {
		lo, hi := cmnWindows(s.SubScope("window"), t, nb, int32(w))
		cum := op.Cumsum(s.SubScope("cum"), x, i32(s, 1))
		cum = op.Pad(s.SubScope("pad"), cum, op.Const(s.SubScope("c"), [][]int32{{0, 0}, {1, 0}, {0, 0}})) // [B, T+1, M]: sums of frames [0, i)
		at := func(i tf.Output) tf.Output {
			return op.GatherV2(s.SubScope("at"), cum, i, i32(s, 1), op.GatherV2BatchDims(1)) // [B, T, M]
		}
		count := castTo(s, op.Maximum(s.SubScope("n"), sub(s, hi, lo), one), tf.Double)
		mean = op.Div(s.SubScope("mean"), sub(s, at(hi), at(lo)), expand(s, count, 2))
	}
	return castTo(s, sub(s, x, mean), tf.Float)
}

// cmnWindows is feature.CMNWindow for every frame t ([T] int32) of rows
// of nb frames ([B, 1] int32): lo, hi [B, T] int32 with 0 <= lo <= hi <=
// nb (for t past nb too, so they index the prefix sums).
func cmnWindows(s *op.Scope, t, nb tf.Output, w int32) (lo, hi tf.Output) {
	lo = expand(s, sub(s, t, i32(s, w/2)), 0) // [1, T]
	hi = add(s, lo, i32(s, w))
	hi = sub(s, hi, op.Minimum(s.SubScope("left"), lo, i32(s, 0))) // shifted right when lo < 0
	lo = op.Maximum(s.SubScope("lo0"), lo, i32(s, 0))
	over := op.Maximum(s.SubScope("over"), sub(s, hi, nb), i32(s, 0)) // [B, T]: shifted left past the end
	lo = op.Maximum(s.SubScope("lo1"), sub(s, lo, over), i32(s, 0))
	hi = sub(s, hi, over)
	return lo, hi
}
