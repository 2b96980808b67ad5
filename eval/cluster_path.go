package eval

import "fmt"

// ClusterPath selects the agglomerative algorithm for a set of rows.
type ClusterPath int

const (
	// PathAuto takes PathExact while its distance matrix fits the memory
	// budget (ExactBytes(n) <= budget), PathTwoStage beyond.
	PathAuto ClusterPath = iota
	// PathExact is Linkage32 on the full condensed float32 distance matrix
	// (Pdist32): O(n²) time and 2n(n-1) bytes.
	PathExact
	// PathTwoStage is TwoStage: mini-batch k-means, then linkage of the
	// centroids; O(n·centroids·dim) time and O(n·dim) memory.
	PathTwoStage
)

// DefaultExactBudget is the memory budget of PathAuto's exact path, 1 GiB:
// the exact path runs up to n = 23170 rows.
const DefaultExactBudget int64 = 1 << 30

// ParseClusterPath accepts auto, exact and two-stage (or large).
func ParseClusterPath(s string) (ClusterPath, error) {
	switch s {
	case "auto", "":
		return PathAuto, nil
	case "exact":
		return PathExact, nil
	case "two-stage", "large":
		return PathTwoStage, nil
	}
	return 0, fmt.Errorf("eval: unknown clustering path %q (want auto, exact or two-stage)", s)
}

func (p ClusterPath) String() string {
	switch p {
	case PathAuto:
		return "auto"
	case PathExact:
		return "exact"
	case PathTwoStage:
		return "two-stage"
	}
	return fmt.Sprintf("ClusterPath(%d)", int(p))
}

// ExactBytes is the size in bytes of the exact path's condensed float32
// distance matrix for n rows, 4·n(n-1)/2.
func ExactBytes(n int) int64 {
	return 2 * int64(n) * int64(n-1)
}

// Resolve turns PathAuto into PathExact or PathTwoStage for n rows and a
// memory budget in bytes (<= 0: DefaultExactBudget); the other paths are
// returned unchanged.
func (p ClusterPath) Resolve(n int, budget int64) ClusterPath {
	if p != PathAuto {
		return p
	}
	if budget <= 0 {
		budget = DefaultExactBudget
	}
	if ExactBytes(n) <= budget {
		return PathExact
	}
	return PathTwoStage
}
