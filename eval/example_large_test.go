package eval_test

import (
	"fmt"

	"github.com/voxsiam/voxsiam/eval"
)

// Six 2-d points in three tight pairs, clustered on the exact path and in
// two stages (three k-means groups, then complete linkage of the
// centroids): the same partition, numbered in scipy's order for each
// tree. The automatic choice follows the memory budget.
func ExampleTwoStage() {
	x := []float32{0, 0, 0.1, 0, 5, 5, 5, 5.1, 10, 0, 10.1, 0}
	exact := eval.Linkage32(eval.Pdist32(x, 2, eval.Euclidean), 6, eval.Complete)
	z, info, err := eval.TwoStage(x, 2, eval.TwoStageOptions{Metric: eval.Euclidean, Method: eval.Complete, Centroids: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, b := eval.CutMaxClust(exact, 3), eval.CutMaxClust(z, 3)
	fmt.Println("exact:    ", a)
	fmt.Println("two-stage:", b, info.Centroids, "centroids, ARI", eval.ARI(a, b))
	fmt.Println(eval.PathAuto.Resolve(23170, 0), eval.PathAuto.Resolve(23171, 0))
	// Output:
	// exact:     [3 3 2 2 1 1]
	// two-stage: [2 2 3 3 1 1] 3 centroids, ARI 1
	// exact two-stage
}
