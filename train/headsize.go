package train

import (
	"fmt"
	"io"

	"github.com/voxsiam/voxsiam/internal/spec"
)

// headBytesNote is the size of the dense head's training state above
// which a run says how large it is (1 GiB).
const headBytesNote = 1 << 30

// headWeights is the number of weights (kernels and biases) of the dense
// head m (defaults applied) puts on the embedding: 2·LSTM2 → Dense1 →
// Dense2 → Speakers. With the published widths (10·S, 5·S) it grows as
// 50·S²: 0.9M at 90 speakers, 49M at 900, 2.0G at VoxCeleb2's 5,994.
func headWeights(m spec.Config) int64 {
	m = m.WithDefaults()
	in, d1, d2, s := int64(2*m.LSTM2), int64(m.Dense1), int64(m.Dense2), int64(m.Speakers)
	return in*d1 + d1 + d1*d2 + d2 + d2*s + s
}

// noteHeadSize writes a note to w when the dense head's training state
// (each float32 weight, its gradient and Adam's two slots: 16 bytes)
// exceeds headBytesNote: the step time and memory of the published head
// grow with the square of the speakers, and [model] dense1/dense2 bound it.
func noteHeadSize(w io.Writer, m spec.Config) {
	m = m.WithDefaults()
	n := headWeights(m)
	if b := 16 * n; b > headBytesNote {
		fmt.Fprintf(w, "note: the dense head (%d -> %d -> %d -> %d speakers) has %.0fM weights, %.1f GiB with gradients and Adam's slots; "+
			"its cost grows with the square of the speakers: [model] dense1 and dense2 set narrower layers\n",
			2*m.LSTM2, m.Dense1, m.Dense2, m.Speakers, float64(n)/1e6, float64(b)/(1<<30))
	}
}
