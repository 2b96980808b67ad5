package eval_test

import (
	"fmt"

	"github.com/voxsiam/voxsiam/eval"
)

// The golden case of the ZHAW reference tests.
func ExampleMR() {
	truth := []int{0, 0, 0, 1, 1, 1, 1, 2, 2}
	pred := []int{7, 7, 3, 3, 2, 2, 1, 0, 0}
	fmt.Printf("MR = %.4f\n", eval.MR(truth, pred))
	// Output: MR = 0.3333
}

// One partition, two numberings of its clusters: the exact MR stays, the
// ZHAW greedy value moves.
func ExampleMRZHAW() {
	truth := []int{0, 1, 2, 0}
	for _, pred := range [][]int{{1, 1, 2, 2}, {2, 2, 1, 1}} {
		fmt.Printf("clusters %v: MR %.2f, ZHAW MR %.2f\n", pred, eval.MR(truth, pred), eval.MRZHAW(truth, pred))
	}
	// Output:
	// clusters [1 1 2 2]: MR 0.50, ZHAW MR 0.50
	// clusters [2 2 1 1]: MR 0.50, ZHAW MR 0.75
}

func ExampleLinkage() {
	// Four points on a line: 0, 1, 5, 7.
	x := []float32{0, 1, 5, 7}
	z := eval.Linkage(eval.Pdist(x, 1, eval.Euclidean), 4, eval.Complete)
	for _, m := range z {
		fmt.Printf("%d %d %.1f %d\n", m.A, m.B, m.Height, m.Size)
	}
	fmt.Println(eval.CutMaxClust(z, 2))
	// Output:
	// 0 1 1.0 2
	// 2 3 2.0 2
	// 4 5 7.0 4
	// [1 1 2 2]
}

func ExampleEER() {
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2}
	target := []bool{true, true, false, true, false, false, true, false}
	eer, thr := eval.EER(scores, target)
	fmt.Printf("EER %.2f at %.2f\n", eer, thr)
	// Output: EER 0.25 at 0.60
}

func ExampleMinDCF() {
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2}
	target := []bool{true, true, false, true, false, false, true, false}
	dcf, _ := eval.MinDCF(scores, target, eval.DCF{PTarget: 0.05, CMiss: 1, CFA: 1})
	fmt.Printf("minDCF %.3f\n", dcf)
	// Output: minDCF 0.500
}

func ExampleBestThreshold() {
	// Cosine similarities of pairs and whether each pair is one speaker.
	scores := []float64{0.91, 0.85, 0.40, 0.62, 0.15, 0.30}
	same := []bool{true, true, false, true, false, false}
	thr, acc := eval.BestThreshold(scores, same)
	fmt.Printf("threshold %.2f accuracy %.2f\n", thr, acc)
	// Output: threshold 0.51 accuracy 1.00
}

func ExampleARI() {
	fmt.Printf("%.4f %.4f\n", eval.ARI([]int{0, 0, 1, 1}, []int{0, 0, 1, 2}), eval.NMI([]int{0, 0, 1, 1}, []int{5, 5, 3, 3}))
	// Output: 0.5714 1.0000
}

// A PLDA back-end trained on three speakers scores a same-speaker pair
// above a different-speaker pair.
func ExampleFitBackend() {
	// two-dimensional embeddings, four utterances each of speakers 0, 1, 2
	x := []float32{
		1.0, 0.1, 1.1, 0.0, 0.9, -0.1, 1.0, 0.05,
		-1.0, 0.9, -0.9, 1.1, -1.1, 1.0, -1.0, 0.95,
		0.1, -1.0, 0.0, -1.1, -0.1, -0.9, 0.05, -1.0,
	}
	labels := []int{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}
	b, err := eval.FitBackend(eval.BackendPLDA, x, 2, labels, eval.BackendOptions{LDADim: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := b.Project([]float32{1.0, 0.0, 0.95, 0.05, -1.0, 1.0}) // a, a', b
	d := b.OutDim()
	same, diff := b.Similarity(y[:d], y[d:2*d]), b.Similarity(y[:d], y[2*d:])
	fmt.Println(same > 0, diff < 0)
	// Output: true true
}
