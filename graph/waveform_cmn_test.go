package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestWaveCMNMatchesApplyCMN: the graph's mean normalisation of a padded
// batch (rows of 0, 1, 7, 23 and 40 valid frames out of 40, NaN past each
// row's length, which no sum may reach) equals feature.ApplyCMN (checked
// against Kaldi's formulas in tools/feature) on each row's valid frames,
// to 1e-5, for utterance CMN and sliding windows of 1, 6, 7, 30 and 300
// frames; "none" returns the input.
func TestWaveCMNMatchesApplyCMN(t *testing.T) {
	const T, M = 40, 3
	lengths := []int32{0, 1, 7, 23, 40}
	r := rand.New(rand.NewPCG(2, 4))
	x := make([][][]float32, len(lengths))
	for b, n := range lengths {
		x[b] = make([][]float32, T)
		for i := range x[b] {
			x[b][i] = make([]float32, M)
			for m := range x[b][i] {
				x[b][i][m] = float32(math.NaN())
				if i < int(n) {
					x[b][i][m] = float32(2 + math.Sin(float64(i)/4+float64(m)) + r.NormFloat64())
				}
			}
		}
	}
	cases := []struct {
		mode string
		w    int
	}{{feature.CMNNone, 0}, {feature.CMNUtterance, 0}}
	for _, w := range []int{1, 6, 7, 30, 300} {
		cases = append(cases, struct {
			mode string
			w    int
		}{feature.CMNSliding, w})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.mode, c.w), func(t *testing.T) {
			s := op.NewScope()
			feats := op.Placeholder(s.SubScope("feats"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, -1, M)))
			frames := op.Placeholder(s.SubScope("frames"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
			out := op.Identity(s.SubScope("out"), waveCMN(s.SubScope("cmn"), feats, frames, c.mode, c.w))
			g, err := s.Finalize()
			if err != nil {
				t.Fatal(err)
			}
			sess, err := tf.NewSession(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			xt, _ := tf.NewTensor(x)
			lt, _ := tf.NewTensor(lengths)
			res, err := sess.Run(map[tf.Output]*tf.Tensor{feats: xt, frames: lt}, []tf.Output{out}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := res[0].Value().([][][]float32)
			for b, n := range lengths {
				want := make([]float32, 0, int(n)*M)
				for i := 0; i < int(n); i++ {
					want = append(want, x[b][i]...)
				}
				feature.ApplyCMN(want, int(n), M, c.mode, c.w)
				for i := 0; i < int(n); i++ {
					for m := 0; m < M; m++ {
						if d := math.Abs(float64(got[b][i][m] - want[i*M+m])); !(d <= 1e-5) {
							t.Fatalf("row %d (%d frames), frame %d, bin %d: graph %g, ApplyCMN %g", b, n, i, m, got[b][i][m], want[i*M+m])
						}
					}
				}
			}
		})
	}
}
