package eval

import (
	"math"
	"testing"
)

// TestTwoStageMatchesExact checks the large-N path against the exact one
// on small inputs: on well separated speakers (blobs) the flat clusters at
// the true speaker count are the same partition as the exact path's, and
// the true one, for each reducible linkage; with as many centroids as rows
// every row is its own group and the tree is the exact path's
// (Linkage32 of Pdist32) merge for merge.
func TestTwoStageMatchesExact(t *testing.T) {
	for _, tc := range []struct {
		name      string
		k, m, dim int
		sd        float64
		metric    Metric
		centroids int
	}{
		{"cosine-6-speakers", 6, 40, 16, 0.15, Cosine, 30},
		{"euclidean-9-speakers", 9, 25, 8, 0.1, Euclidean, 40},
		{"cosine-20-speakers", 20, 30, 32, 0.2, Cosine, 100},
	} {
		x, y := blobs(tc.k, tc.m, tc.dim, tc.sd, 7)
		n := len(y)
		for _, meth := range []Method{Complete, Average, Single, Ward} {
			t.Run(tc.name+"/"+meth.String(), func(t *testing.T) {
				exact := CutMaxClust(Linkage32(Pdist32(x, tc.dim, tc.metric), n, meth), tc.k)
				z, info, err := TwoStage(x, tc.dim, TwoStageOptions{Metric: tc.metric, Method: meth, Centroids: tc.centroids, KMeans: MiniBatchOptions{Seed: 1, Batch: 64}})
				if err != nil {
					t.Fatal(err)
				}
				checkTree(t, z, n)
				if info.Centroids < tc.k || info.Centroids > tc.centroids {
					t.Errorf("%d non-empty centroids, want %d..%d", info.Centroids, tc.k, tc.centroids)
				}
				got := CutMaxClust(z, tc.k)
				if ari := ARI(exact, got); ari != 1 || MR(y, got) != 0 {
					t.Errorf("ARI vs exact %v, MR vs truth %v", ari, MR(y, got))
				}
			})
		}
	}
	x := randomData(50, 6, 9)
	for _, meth := range []Method{Complete, Average, Single} {
		want := Linkage32(Pdist32(x, 6, Cosine), 50, meth)
		z, info, err := TwoStage(x, 6, TwoStageOptions{Metric: Cosine, Method: meth, Centroids: 50})
		if err != nil || info.Centroids != 50 {
			t.Fatalf("%v: %v, %d centroids", meth, err, info.Centroids)
		}
		for i := range want {
			if g, w := z[i], want[i]; g.A != w.A || g.B != w.B || g.Size != w.Size || math.Abs(g.Height-w.Height) > 1e-6 {
				t.Fatalf("%v: row %d = %+v, exact path %+v", meth, i, g, w)
			}
		}
	}
}

// checkTree checks that z is a linkage of n observations: n-1 merges in
// height order, each joining two live clusters, sizes adding up.
func checkTree(t *testing.T, z []Merge, n int) {
	t.Helper()
	if len(z) != n-1 {
		t.Fatalf("%d merges for %d rows", len(z), n)
	}
	size := make([]int, 2*n-1)
	used := make([]bool, 2*n-1)
	for i := 0; i < n; i++ {
		size[i] = 1
	}
	for i, m := range z {
		if m.A >= m.B || m.B >= n+i || used[m.A] || used[m.B] || (i > 0 && m.Height < z[i-1].Height) {
			t.Fatalf("merge %d %+v is not a valid linkage row", i, m)
		}
		used[m.A], used[m.B] = true, true
		size[n+i] = size[m.A] + size[m.B]
		if m.Size != size[n+i] {
			t.Fatalf("merge %d %+v: size %d", i, m, size[n+i])
		}
	}
}

// TestTwoStageErrors checks the inputs TwoStage refuses.
func TestTwoStageErrors(t *testing.T) {
	x := randomData(10, 3, 1)
	if _, _, err := TwoStage(x, 3, TwoStageOptions{Metric: SymKL}); err == nil {
		t.Error("SymKL accepted")
	}
	if _, _, err := TwoStage(x[:3], 3, TwoStageOptions{Metric: Cosine}); err == nil {
		t.Error("one row accepted")
	}
}

// TestClusterPathResolve checks the automatic switch at the memory budget:
// 1 GiB holds the float32 condensed matrix of 23170 rows, not 23171.
func TestClusterPathResolve(t *testing.T) {
	for _, tc := range []struct {
		p      ClusterPath
		n      int
		budget int64
		want   ClusterPath
	}{
		{PathAuto, 23170, 0, PathExact},
		{PathAuto, 23171, 0, PathTwoStage},
		{PathAuto, 1000, 2 * 1000 * 999, PathExact},
		{PathAuto, 1001, 2 * 1000 * 999, PathTwoStage},
		{PathExact, 1 << 20, 0, PathExact},
		{PathTwoStage, 10, 0, PathTwoStage},
	} {
		if got := tc.p.Resolve(tc.n, tc.budget); got != tc.want {
			t.Errorf("%v.Resolve(%d, %d) = %v, want %v", tc.p, tc.n, tc.budget, got, tc.want)
		}
	}
	for _, s := range []string{"auto", "exact", "two-stage"} {
		if p, err := ParseClusterPath(s); err != nil || p.String() != s {
			t.Errorf("ParseClusterPath(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParseClusterPath("fast"); err == nil {
		t.Error("ParseClusterPath accepted fast")
	}
}
