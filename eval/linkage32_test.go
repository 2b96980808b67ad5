package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestPdist32MatchesScipy compares Pdist32, with and without the FMA
// kernel, with scipy.spatial.distance.pdist (the stored "linkage"
// reference of TestLinkageMatchesScipy, float64): within 2e-6.
func TestPdist32MatchesScipy(t *testing.T) {
	const n, dim = 40, 6
	x := randomData(n, dim, 3)
	testenv.Reference(t, "linkage", scipyScript, []string{floatsJSON(x), fmt.Sprint(n)}, func(t *testing.T, out []byte) {
		var ref scipyRef
		if err := json.Unmarshal(out, &ref); err != nil {
			t.Fatal(err)
		}
		for _, fma := range []bool{false, useFMA} {
			saved := useFMA
			useFMA = fma
			for _, m := range []Metric{Cosine, Euclidean} {
				for i, d := range Pdist32(x, dim, m) {
					if r := ref.Pdist[m.String()][i]; math.Abs(float64(d)-r) > 2e-6*math.Max(1, r) {
						t.Errorf("fma=%v %v [%d] = %v, scipy %v", fma, m, i, d, r)
						break
					}
				}
			}
			useFMA = saved
		}
	})
}

// linkage32Script runs scipy's linkage on the float32 distances given
// (widened to float64, so both sides see the same numbers).
const linkage32Script = `
import sys, json, numpy as np
from scipy.cluster.hierarchy import linkage
d = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64)
print(json.dumps({m: linkage(d, method=m).tolist() for m in sys.argv[2].split(",")}))
`

// TestLinkage32MatchesScipy checks Linkage32 against
// scipy.cluster.hierarchy.linkage on the same float32 values: on random
// cosine distances every method gives scipy's rows (single and complete
// heights exact, the others within 1e-6 relative, the float32 updates); on
// an integer grid full of tied distances single and complete linkage still
// give scipy's rows, since ties are broken the same way.
func TestLinkage32MatchesScipy(t *testing.T) {
	grid := make([]float32, 0, 40)
	for i := 0; i < 5; i++ {
		for j := 0; j < 4; j++ {
			grid = append(grid, float32(i), float32(j*j%5))
		}
	}
	cases := []struct {
		name    string
		dist    []float32
		methods []Method
	}{
		// Float64 distances rounded once: the same input on every platform
		// (Pdist32's last bits depend on the dot-product kernel).
		{"random-cosine", rounded(Pdist(randomData(60, 8, 5), 8, Cosine)), []Method{Single, Complete, Average, Weighted, Ward}},
		{"grid-ties", rounded(Pdist(grid, 2, Euclidean)), []Method{Single, Complete}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			names := ""
			for i, m := range c.methods {
				if i > 0 {
					names += ","
				}
				names += m.String()
			}
			testenv.Reference(t, "linkage32-"+c.name, linkage32Script, []string{floatsJSON(c.dist), names}, func(t *testing.T, out []byte) {
				var ref map[string][][4]float64
				if err := json.Unmarshal(out, &ref); err != nil {
					t.Fatal(err)
				}
				n := CondensedSize(len(c.dist))
				for _, meth := range c.methods {
					z := Linkage32(append([]float32(nil), c.dist...), n, meth)
					tol := 0.0
					if meth != Single && meth != Complete {
						tol = 1e-6
					}
					for i, row := range ref[meth.String()] {
						g := z[i]
						if float64(g.A) != row[0] || float64(g.B) != row[1] || float64(g.Size) != row[3] || math.Abs(g.Height-row[2]) > tol*row[2] {
							t.Errorf("%v row %d = %+v, scipy %v", meth, i, g, row)
							break
						}
					}
				}
			})
		})
	}
}

func rounded(d []float64) []float32 {
	out := make([]float32, len(d))
	for i, v := range d {
		out[i] = float32(v)
	}
	return out
}

// TestLinkageSizes32 checks the weights: average linkage of two centroids
// standing for 3 and 1 points next to a third gives the size-weighted
// mean distance (3·d13 + d23)/4, and Ward the Lance-Williams formula with
// those sizes, as linkage of the points themselves would after merging
// the coincident copies.
func TestLinkageSizes32(t *testing.T) {
	// Points 0, 1 close together, point 2 far away: 0 and 1 merge first.
	dist := []float32{1, 4, 6} // d01, d02, d12
	z := LinkageSizes32(append([]float32(nil), dist...), []int{3, 1, 2}, 3, Average)
	if want := (3*4.0 + 1*6.0) / 4; math.Abs(z[1].Height-want) > 1e-6 || z[1].Size != 3 {
		t.Errorf("average: %+v, want height %v size 3", z, want)
	}
	z = LinkageSizes32(append([]float32(nil), dist...), []int{3, 1, 2}, 3, Ward)
	want := math.Sqrt((5.0*16 + 3*36 - 2*1) / 6)
	if math.Abs(z[1].Height-want) > 1e-6 {
		t.Errorf("ward: %+v, want height %v", z, want)
	}
}
