package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

func randomData(n, dim int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.Float64())
	}
	return x
}

func floatsJSON(x []float32) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// scipyReference runs scipy on x (row-major [n, dim]): pdist for each metric
// and linkage + fcluster for each method, and returns the decoded JSON.
type scipyRef struct {
	Pdist    map[string][]float64
	Linkage  map[string][][4]float64
	MaxClust map[string][][]int
	Dist     map[string][]int
}

const scipyScript = `
import sys, json, numpy as np
from scipy.spatial.distance import pdist
from scipy.cluster.hierarchy import linkage, fcluster
x = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64).reshape(int(sys.argv[2]), -1)
p = x / x.sum(axis=1, keepdims=True)
def symkl(u, v):
    u = np.maximum(u, 1e-10); v = np.maximum(v, 1e-10)
    return float(np.sum(u * np.log(u / v)) + np.sum(v * np.log(v / u)))
out = {"Pdist": {"cosine": pdist(x, "cosine").tolist(), "euclidean": pdist(x).tolist(),
                 "kl": pdist(p, symkl).tolist()},
       "Linkage": {}, "MaxClust": {}, "Dist": {}}
d = pdist(x, "cosine")
for m in ["single", "complete", "average", "weighted", "ward"]:
    Z = linkage(d, method=m)
    out["Linkage"][m] = Z.tolist()
    out["MaxClust"][m] = [fcluster(Z, k, "maxclust").tolist() for k in range(1, x.shape[0] + 2)]
    out["Dist"][m] = fcluster(Z, float(np.median(Z[:, 2])), "distance").tolist()
print(json.dumps(out))
`

// TestLinkageMatchesScipy compares Pdist, Linkage and the cuts with
// scipy.spatial.distance.pdist, scipy.cluster.hierarchy.linkage and fcluster
// on random data (no ties): identical merge rows and sizes, heights within
// 1e-9 relative, identical flat labels.
func TestLinkageMatchesScipy(t *testing.T) {
	const n, dim = 40, 6
	x := randomData(n, dim, 3)
	testenv.Reference(t, "linkage", scipyScript, []string{floatsJSON(x), fmt.Sprint(n)}, func(t *testing.T, out []byte) {
		var ref scipyRef
		if err := json.Unmarshal(out, &ref); err != nil {
			t.Fatal(err)
		}
		p := make([]float32, len(x))
		for i := 0; i < n; i++ {
			var s float64
			for _, v := range x[i*dim : (i+1)*dim] {
				s += float64(v)
			}
			for j := range dim {
				p[i*dim+j] = float32(float64(x[i*dim+j]) / s)
			}
		}
		for _, m := range []Metric{Cosine, Euclidean, SymKL} {
			data := x
			if m == SymKL {
				data = p
			}
			// float32 rounding of the normalised distributions allows 1e-6.
			tol := map[Metric]float64{Cosine: 1e-12, Euclidean: 1e-12, SymKL: 1e-5}[m]
			for i, d := range Pdist(data, dim, m) {
				if r := ref.Pdist[m.String()][i]; math.Abs(d-r) > tol*math.Max(1, math.Abs(r)) {
					t.Fatalf("pdist %v [%d] = %v, scipy %v", m, i, d, r)
				}
			}
		}
		dist := Pdist(x, dim, Cosine)
		for meth := Single; meth <= Ward; meth++ {
			t.Run(meth.String(), func(t *testing.T) {
				z := Linkage(dist, n, meth)
				for i, row := range ref.Linkage[meth.String()] {
					g := z[i]
					if float64(g.A) != row[0] || float64(g.B) != row[1] || float64(g.Size) != row[3] ||
						math.Abs(g.Height-row[2]) > 1e-9*math.Abs(row[2]) {
						t.Fatalf("row %d = %+v, scipy %v", i, g, row)
					}
				}
				for k := 1; k <= n+1; k++ {
					if got, want := CutMaxClust(z, k), ref.MaxClust[meth.String()][k-1]; !equalInts(got, want) {
						t.Fatalf("maxclust %d: %v, scipy %v", k, got, want)
					}
				}
				med := medianHeight(z)
				if got, want := CutDistance(z, med), ref.Dist[meth.String()]; !equalInts(got, want) {
					t.Fatalf("distance cut %v: %v, scipy %v", med, got, want)
				}
			})
		}
	})
}

func medianHeight(z []Merge) float64 {
	h := make([]float64, len(z))
	for i, m := range z {
		h[i] = m.Height
	}
	// z is sorted by height; numpy.median of an odd count is the middle one.
	if len(h)%2 == 1 {
		return h[len(h)/2]
	}
	return (h[len(h)/2-1] + h[len(h)/2]) / 2
}

func equalInts(a, b []int) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestCutTies checks maxclust with tied heights: at most k clusters
// (expected labels from scipy 1.17 fcluster on this hand-built Z).
func TestCutTies(t *testing.T) {
	z := []Merge{{0, 1, 1, 2}, {3, 5, 1, 2}, {6, 7, 1, 4}, {4, 8, 3, 5}, {2, 9, 3.5, 6}}
	cases := []struct {
		k    int
		want string
	}{
		{1, "[1 1 1 1 1 1]"}, {2, "[1 1 2 1 1 1]"}, {3, "[1 1 3 1 2 1]"},
		{4, "[1 1 3 1 2 1]"}, {5, "[1 1 3 1 2 1]"}, {6, "[1 2 3 4 5 6]"}, {9, "[1 2 3 4 5 6]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(CutMaxClust(z, c.k)); got != c.want {
			t.Errorf("k=%d: %s, want %s", c.k, got, c.want)
		}
	}
	if got := strings.TrimSpace(fmt.Sprint(LabelsAfter(z, 3))); got != "[0 0 1 0 2 0]" {
		t.Errorf("LabelsAfter(3) = %s", got)
	}
}

// TestOracleCut checks the oracle level on a tree whose best cut is known:
// two well separated speakers of three points each (MR 0 at 2 clusters),
// and that LevelThreshold reproduces that level through CutDistance.
func TestOracleCut(t *testing.T) {
	x := []float32{0, 0, 0.1, 0, 0, 0.1, 5, 5, 5.1, 5, 5, 5.2}
	truth := []int{0, 0, 0, 1, 1, 1}
	z := Linkage(Pdist(x, 2, Euclidean), 6, Complete)
	labels, mr, m := OracleCut(z, truth)
	if mr != 0 || m != 4 || MR(truth, labels) != 0 {
		t.Fatalf("oracle: labels %v mr %v merges %d", labels, mr, m)
	}
	thr, devMR := TuneThreshold(z, truth)
	if got := CutDistance(z, thr); MR(truth, got) != devMR {
		t.Fatalf("threshold %v: %v", thr, got)
	}
}

// TestLinkageTiesMatchScipy uses integer grid points (many equal distances):
// since Linkage breaks ties as scipy's MST and NN-chain do (first strict
// minimum, stable sort by height), the merge rows must still be identical.
func TestLinkageTiesMatchScipy(t *testing.T) {
	var x []float32
	for i := 0; i < 5; i++ {
		for j := 0; j < 4; j++ {
			x = append(x, float32(i), float32(j*j%5))
		}
	}
	n := len(x) / 2
	script := `
import sys, json, numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist
x = np.array(json.loads(sys.argv[1]), dtype=np.float64).reshape(-1, 2)
d = pdist(x)
print(json.dumps({m: linkage(d, method=m).tolist() for m in ["single", "complete", "average", "weighted", "ward"]}))
`
	testenv.Reference(t, "linkage-ties", script, []string{floatsJSON(x)}, func(t *testing.T, out []byte) {
		var ref map[string][][4]float64
		if err := json.Unmarshal(out, &ref); err != nil {
			t.Fatal(err)
		}
		d := Pdist(x, 2, Euclidean)
		for meth := Single; meth <= Ward; meth++ {
			z := Linkage(d, n, meth)
			for i, row := range ref[meth.String()] {
				g := z[i]
				if float64(g.A) != row[0] || float64(g.B) != row[1] || float64(g.Size) != row[3] || math.Abs(g.Height-row[2]) > 1e-9*math.Max(1, row[2]) {
					t.Errorf("%v row %d = %+v, scipy %v", meth, i, g, row)
					break
				}
			}
		}
	})
}

// TestOracleCutBruteForce compares OracleCut with the MR of every level
// computed directly (LabelsAfter + MR) on noisy random speakers.
func TestOracleCutBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		x, y := blobs(int(3+seed), 9, 6, 0.9, seed)
		z := Linkage(Pdist(x, 6, Cosine), len(y), Average)
		best, bestM := 2.0, -1
		for m := 0; m < len(y); m++ {
			if mr := MR(y, LabelsAfter(z, m)); mr < best {
				best, bestM = mr, m
			}
		}
		_, mr, m := OracleCut(z, y)
		if math.Abs(mr-best) > 1e-12 || m != bestM {
			t.Errorf("seed %d: oracle MR %v at %d merges, brute force %v at %d", seed, mr, m, best, bestM)
		}
	}
}
