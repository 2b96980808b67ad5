package eval

import (
	"fmt"
	"runtime"
	"testing"
)

// TestMiniBatchKMeans checks that mini-batch k-means with as many centres
// as blobs recovers the generating partition (reference: the labels the
// data were drawn from), that counts add up, and that the result does not
// depend on GOMAXPROCS.
func TestMiniBatchKMeans(t *testing.T) {
	x, y := blobs(8, 50, 12, 0.05, 3)
	// k-means++ may seed two centres in one blob; over-clustering by 2x
	// and merging by majority still has to be exact, so check purity.
	opt := MiniBatchOptions{K: 16, Batch: 100, Seed: 4}
	_, labels, counts := MiniBatchKMeans(x, 12, opt)
	total := 0
	for _, c := range counts {
		total += c
	}
	if total != len(y) {
		t.Fatalf("counts add up to %d, want %d", total, len(y))
	}
	owner := map[int32]int{}
	for i, c := range labels {
		if o, ok := owner[c]; ok && o != y[i] {
			t.Fatalf("centre %d holds speakers %d and %d", c, o, y[i])
		}
		owner[c] = y[i]
	}
	l := make([]int, len(labels))
	for i, c := range labels {
		l[i] = int(c)
	}
	_, exact8, _ := MiniBatchKMeans(x, 12, MiniBatchOptions{K: 8, Batch: 100, Seed: 4, Lloyd: 5})
	saved := runtime.GOMAXPROCS(1)
	_, one, _ := MiniBatchKMeans(x, 12, MiniBatchOptions{K: 8, Batch: 100, Seed: 4, Lloyd: 5})
	runtime.GOMAXPROCS(saved)
	if fmt.Sprint(one) != fmt.Sprint(exact8) {
		t.Error("labels depend on GOMAXPROCS")
	}
	e := make([]int, len(exact8))
	for i, c := range exact8 {
		e[i] = int(c)
	}
	if mr := MR(y, e); mr > 0.13 { // at worst one blob split, one pair merged
		t.Errorf("K=8: MR %v against the blobs", mr)
	}
}

// BenchmarkCluster times the two paths on 4000 rows of 512-d speaker
// blobs (200 speakers), cut at the true speaker count.
func BenchmarkCluster(b *testing.B) {
	const dim = 512
	x, _ := blobs(200, 20, dim, 0.3, 1)
	n := len(x) / dim
	b.Run("exact", func(b *testing.B) {
		for b.Loop() {
			CutMaxClust(Linkage32(Pdist32(x, dim, Cosine), n, Complete), 200)
		}
	})
	b.Run("two-stage", func(b *testing.B) {
		for b.Loop() {
			z, _, _ := TwoStage(x, dim, TwoStageOptions{Metric: Cosine, Method: Complete, Centroids: 500})
			CutMaxClust(z, 200)
		}
	})
	b.Run("exact-float64", func(b *testing.B) {
		for b.Loop() {
			CutMaxClust(Linkage(Pdist(x, dim, Cosine), n, Complete), 200)
		}
	})
}
