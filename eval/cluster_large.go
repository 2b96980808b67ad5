package eval

import "fmt"

// TwoStageOptions configure TwoStage. Zero fields take the defaults given.
type TwoStageOptions struct {
	Metric Metric // Cosine (rows length-normalised first) or Euclidean
	Method Method // linkage of the centroids
	// Centroids is the number of k-means clusters of the first stage
	// (default DefaultCentroids, at most n); a flat cut can have at most
	// this many clusters.
	Centroids int
	KMeans    MiniBatchOptions // K is set from Centroids
}

// DefaultCentroids is the first-stage cluster count TwoStage uses by default.
const DefaultCentroids = 2000

// TwoStageInfo describes a TwoStage run.
type TwoStageInfo struct {
	Centroids int // non-empty first-stage clusters
}

// TwoStage is agglomerative clustering for more rows than an O(n²)
// distance matrix allows (two-stage clustering, as in large-scale speaker
// clustering): it over-clusters the n rows of x (row-major [n, dim]) with
// MiniBatchKMeans into about Centroids groups (for Cosine on the
// length-normalised rows, so squared Euclidean distance is 2 - 2cos), then
// links the non-empty groups' centroids by Method under Metric
// (LinkageSizes32, weighted by group size for average and Ward), and
// returns that tree spread over all n rows in scipy's linkage convention:
// the rows of each group first merge with one another at height 0 (in row
// order), then the groups merge at the centroid heights. Every cut of the
// tree (CutMaxClust, CutDistance, OracleCut) keeps each group whole, so no
// cut has more clusters than there are groups, and distance thresholds
// apply to centroid distances, which are smaller than the same speakers'
// utterance-level complete-linkage heights. Time O(n·Centroids·dim) and
// memory O(n·dim + Centroids²). SymKL is not supported.
func TwoStage(x []float32, dim int, opt TwoStageOptions) ([]Merge, TwoStageInfo, error) {
	if dim <= 0 || len(x)%dim != 0 {
		panic("eval: TwoStage: data length is not a multiple of dim")
	}
	n := len(x) / dim
	if opt.Metric != Cosine && opt.Metric != Euclidean {
		return nil, TwoStageInfo{}, fmt.Errorf("eval: two-stage clustering takes the cosine or euclidean distance, not %v", opt.Metric)
	}
	if n < 2 {
		return nil, TwoStageInfo{}, fmt.Errorf("eval: two-stage clustering needs two rows, got %d", n)
	}
	if opt.Centroids <= 0 {
		opt.Centroids = DefaultCentroids
	}
	if opt.Metric == Cosine {
		x = normalisedRows(x, dim)
	}
	km := opt.KMeans
	km.K = min(opt.Centroids, n)
	centres, labels, counts := MiniBatchKMeans(x, dim, km)
	// Keep the non-empty groups, renumbered 0..g-1 in centre order.
	group := make([]int, len(counts))
	var kept []float32
	var sizes []int
	for c, cnt := range counts {
		group[c] = -1
		if cnt > 0 {
			group[c] = len(sizes)
			sizes = append(sizes, cnt)
			kept = append(kept, centres[c*dim:(c+1)*dim]...)
		}
	}
	g := len(sizes)
	raw := make([]Merge, 0, n-1)
	rep := make([]int, g) // each group's first row
	for i := range rep {
		rep[i] = -1
	}
	for i, c := range labels {
		k := group[c]
		if rep[k] < 0 {
			rep[k] = i
			continue
		}
		raw = append(raw, Merge{A: rep[k], B: i})
	}
	if g > 1 {
		for _, m := range linkageRaw32(Pdist32(kept, dim, opt.Metric), sizes, g, opt.Method) {
			raw = append(raw, Merge{A: rep[m.A], B: rep[m.B], Height: m.Height})
		}
	}
	return sortRelabel(raw, n), TwoStageInfo{Centroids: g}, nil
}
