package eval

import (
	"math/rand/v2"
	"testing"
)

// blobs: k speakers of m points each around random centres in dim
// dimensions with noise sd; the generating labels are the reference.
func blobs(k, m, dim int, sd float64, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	var x []float32
	var y []int
	for c := 0; c < k; c++ {
		ctr := make([]float64, dim)
		for j := range ctr {
			ctr[j] = rng.NormFloat64()
		}
		for i := 0; i < m; i++ {
			for j := range dim {
				x = append(x, float32(ctr[j]+sd*rng.NormFloat64()))
			}
			y = append(y, c)
		}
	}
	return x, y
}

// TestSpectral checks that NME-SC finds the number of speakers and the
// generating partition of well separated blobs (reference: the labels the
// data were drawn from), with and without a given cluster count.
func TestSpectral(t *testing.T) {
	cases := []struct {
		name      string
		k, m, dim int
		sd        float64
		clusters  int
		wantK     int
		maxMR     float64
	}{
		{"4 speakers estimated", 4, 15, 12, 0.15, 0, 4, 0},
		{"6 speakers estimated", 6, 10, 16, 0.15, 0, 6, 0},
		{"5 speakers given", 5, 12, 12, 0.2, 5, 5, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, y := blobs(c.k, c.m, c.dim, c.sd, uint64(c.k))
			got, err := Spectral(x, c.dim, Cosine, SpectralOptions{Clusters: c.clusters})
			if err != nil {
				t.Fatal(err)
			}
			if k := NewContingency(y, got); len(k.Clusters) != c.wantK || MR(y, got) > c.maxMR {
				t.Fatalf("%d clusters, MR %v: %v", len(k.Clusters), MR(y, got), got)
			}
		})
	}
}

// TestKMeans checks k-means on three separated groups of 2-D points.
func TestKMeans(t *testing.T) {
	pts := [][]float64{{0, 0}, {0.1, 0}, {0, 0.1}, {5, 5}, {5.1, 5}, {5, 5.1}, {-5, 5}, {-5.1, 5}, {-5, 5.1}}
	got := KMeans(pts, 3, 5, 1)
	if MR([]int{0, 0, 0, 1, 1, 1, 2, 2, 2}, got) != 0 {
		t.Fatalf("labels %v", got)
	}
}
