package eval

import (
	"math"
	"sort"
)

// MaxDists returns, for each merge of z, the largest height in its subtree
// (scipy's maxdists): the monotone criterion the cuts below compare.
func MaxDists(z []Merge) []float64 {
	n := len(z) + 1
	md := make([]float64, len(z))
	for i, m := range z {
		h := m.Height
		for _, c := range [2]int{m.A, m.B} {
			if c >= n {
				h = max(h, md[c-n])
			}
		}
		md[i] = h
	}
	return md
}

// CutDistance cuts the tree so that no flat cluster has a cophenetic
// distance above t, as scipy's fcluster(Z, t, criterion="distance"); labels
// run from 1 in scipy's order. z must hold n-1 merges (n >= 1).
func CutDistance(z []Merge, t float64) []int {
	return labelMonocrit(z, MaxDists(z), t)
}

// CutMaxClust forms at most k flat clusters, as scipy's fcluster(Z, k,
// criterion="maxclust"): the lowest cut with k or fewer clusters (fewer when
// merges tie in height). k >= n gives singletons labelled 1..n.
func CutMaxClust(z []Merge, k int) []int {
	if n := len(z) + 1; k >= n { // scipy numbers singletons in observation order
		t := make([]int, n)
		for i := range t {
			t[i] = i + 1
		}
		return t
	}
	md := MaxDists(z)
	return labelMonocrit(z, md, MaxClustThreshold(md, k))
}

// MaxClustThreshold is the cut height CutMaxClust uses for k clusters given
// MaxDists md: the smallest md value leaving at most k clusters, or -Inf
// (singletons) when k >= n.
func MaxClustThreshold(md []float64, k int) float64 {
	n := len(md) + 1
	if k >= n {
		return math.Inf(-1)
	}
	s := append([]float64(nil), md...)
	sort.Float64s(s)
	// Clusters at cut t: n minus the merges with md <= t (md is monotone up
	// the tree, so those merges form whole subtrees).
	i := sort.Search(len(s), func(i int) bool {
		cnt := sort.Search(len(s), func(j int) bool { return s[j] > s[i] })
		return n-cnt <= k
	})
	return s[i]
}

// labelMonocrit assigns flat cluster labels (from 1) to the n observations:
// the largest subtrees whose criterion mc is <= cut become clusters, in the
// depth-first order scipy's cluster_monocrit numbers them (non-leaf children
// left then right, then a node's leaf children left then right).
func labelMonocrit(z []Merge, mc []float64, cut float64) []int {
	n := len(z) + 1
	t := make([]int, n)
	if n == 1 {
		t[0] = 1
		return t
	}
	next := 0
	var walk func(node int, inCluster bool)
	walk = func(node int, inCluster bool) {
		m := z[node-n]
		leader := !inCluster && mc[node-n] <= cut
		if leader {
			next++
			inCluster = true
		}
		for _, c := range [2]int{m.A, m.B} {
			if c >= n {
				walk(c, inCluster)
			}
		}
		for _, c := range [2]int{m.A, m.B} {
			if c < n {
				if !inCluster {
					next++
				}
				t[c] = next
			}
		}
	}
	walk(2*n-2, false)
	return t
}

// LabelsAfter returns the flat labels (0-based, in order of first
// appearance) after applying the first m merges of z.
func LabelsAfter(z []Merge, m int) []int {
	n := len(z) + 1
	parent := make([]int, 2*n-1)
	for i := range parent {
		parent[i] = i
	}
	for i := 0; i < m; i++ {
		parent[z[i].A], parent[z[i].B] = n+i, n+i
	}
	out := make([]int, n)
	ids := map[int]int{}
	for i := 0; i < n; i++ {
		r := i
		for parent[r] != r {
			r = parent[r]
		}
		if _, ok := ids[r]; !ok {
			ids[r] = len(ids)
		}
		out[i] = ids[r]
	}
	return out
}
