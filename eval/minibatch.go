package eval

import (
	"math"
	"math/rand/v2"
)

// MiniBatchOptions configure MiniBatchKMeans. Zero fields take the
// defaults given.
type MiniBatchOptions struct {
	K          int    // centres (required, 1 <= K <= n)
	Batch      int    // points per mini-batch (default 4096)
	Steps      int    // mini-batches (default: as many as hold n points, at most 200)
	Lloyd      int    // full Lloyd iterations after the mini-batches (default 0)
	InitSample int    // points k-means++ seeds from (default min(n, max(4K, 20000)))
	Seed       uint64 // random seed (sampling and seeding)
}

func (o MiniBatchOptions) withDefaults(n int) MiniBatchOptions {
	if o.Batch <= 0 {
		o.Batch = 4096
	}
	o.Batch = min(o.Batch, n)
	if o.Steps <= 0 {
		o.Steps = min(200, (n+o.Batch-1)/o.Batch)
	}
	if o.InitSample <= 0 {
		o.InitSample = max(4*o.K, 20000)
	}
	o.InitSample = max(min(o.InitSample, n), o.K)
	return o
}

// MiniBatchKMeans clusters the n rows of x (row-major [n, dim] float32)
// into at most K groups by squared Euclidean distance: k-means++ seeding
// on a random sample of InitSample rows, Steps mini-batch updates with
// per-centre learning rates 1/count (Sculley 2010, as scikit-learn's
// MiniBatchKMeans), Lloyd iterations over all rows, then a final
// assignment of every row. It returns the centres [K, dim], each the mean
// of the rows assigned to it (an empty centre keeps its last position),
// each row's centre and the rows per centre. The assignments, the bulk of
// the work (n·K·dim multiply-adds per full pass; 1 + Lloyd passes plus
// Steps·Batch rows), run on
// GOMAXPROCS goroutines with float32 dot products. Deterministic for a
// seed and GOMAXPROCS-independent.
func MiniBatchKMeans(x []float32, dim int, opt MiniBatchOptions) (centres []float32, labels []int32, counts []int) {
	if dim <= 0 || len(x)%dim != 0 {
		panic("eval: MiniBatchKMeans: data length is not a multiple of dim")
	}
	n := len(x) / dim
	if opt.K < 1 || opt.K > n {
		panic("eval: MiniBatchKMeans: K out of range")
	}
	opt = opt.withDefaults(n)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6b6d))
	centres = seedPlusPlus(x, dim, opt.K, rng.Perm(n)[:opt.InitSample], rng)
	labels = make([]int32, n)
	batch := make([]int, opt.Batch)
	bx := make([]float32, opt.Batch*dim)
	bl := make([]int32, opt.Batch)
	seen := make([]float64, opt.K)
	for s := 0; s < opt.Steps; s++ {
		for i := range batch {
			batch[i] = rng.IntN(n)
			copy(bx[i*dim:(i+1)*dim], x[batch[i]*dim:(batch[i]+1)*dim])
		}
		assign(bl, bx, dim, centres)
		for i, c := range bl {
			seen[c]++
			eta := float32(1 / seen[c])
			row, ctr := bx[i*dim:(i+1)*dim], centres[int(c)*dim:(int(c)+1)*dim]
			for t, v := range row {
				ctr[t] += eta * (v - ctr[t])
			}
		}
	}
	for it := 0; it < opt.Lloyd; it++ {
		assign(labels, x, dim, centres)
		meanCentres(centres, x, dim, labels)
	}
	assign(labels, x, dim, centres)
	meanCentres(centres, x, dim, labels)
	counts = make([]int, opt.K)
	for _, c := range labels {
		counts[c]++
	}
	return centres, labels, counts
}

// seedPlusPlus picks k centres from the rows of x listed in sample, each
// with probability proportional to its squared distance from the nearest
// centre chosen so far (Arthur and Vassilvitskii 2007).
func seedPlusPlus(x []float32, dim, k int, sample []int, rng *rand.Rand) []float32 {
	m := len(sample)
	pts := make([]float32, m*dim)
	for i, r := range sample {
		copy(pts[i*dim:(i+1)*dim], x[r*dim:(r+1)*dim])
	}
	sq := rowNorms2(pts, dim)
	best := make([]float32, m)
	for i := range best {
		best[i] = float32(math.Inf(1))
	}
	centres := make([]float32, 0, k*dim)
	pick := rng.IntN(m)
	dots := make([]float32, m)
	for len(centres) < k*dim {
		c := pts[pick*dim : (pick+1)*dim]
		centres = append(centres, c...)
		cc := sq[pick]
		parallelRows(m, 1024, func(i0, i1 int) {
			dotRows(dots[i0:i1], c, pts[i0*dim:i1*dim], dim)
			for i := i0; i < i1; i++ {
				best[i] = min(best[i], max(0, sq[i]+cc-2*dots[i]))
			}
		})
		var total float64
		for _, v := range best {
			total += float64(v)
		}
		pick = m - 1
		u := rng.Float64() * total
		for i, v := range best {
			if u -= float64(v); u < 0 {
				pick = i
				break
			}
		}
		if total == 0 { // fewer distinct points than centres: repeat one
			pick = rng.IntN(m)
		}
	}
	return centres
}

// assign sets labels[i] to the centre (row of centres [K, dim]) nearest
// to row i of x by squared Euclidean distance, the lowest index on ties.
// Points go in blocks to GOMAXPROCS goroutines; each block scans the
// centres in tiles that stay in cache.
func assign(labels []int32, x []float32, dim int, centres []float32) {
	k := len(centres) / dim
	half := rowNorms2(centres, dim)
	for i := range half {
		half[i] /= 2
	}
	const block, tile = 64, 128
	parallelRows(len(labels), block, func(i0, i1 int) {
		var best [block]float32
		dots := make([]float32, tile)
		for i := range best {
			best[i] = float32(math.Inf(-1))
		}
		for c0 := 0; c0 < k; c0 += tile {
			c1 := min(k, c0+tile)
			for i := i0; i < i1; i++ {
				// Maximising x·c - |c|²/2 minimises |x - c|².
				dotRows(dots[:c1-c0], x[i*dim:(i+1)*dim], centres[c0*dim:c1*dim], dim)
				for c, d := range dots[:c1-c0] {
					if s := d - half[c0+c]; s > best[i-i0] {
						best[i-i0], labels[i] = s, int32(c0+c)
					}
				}
			}
		}
	})
}

// meanCentres sets each centre with members to the mean of its rows of x
// (accumulated in float64); an empty centre keeps its place.
func meanCentres(centres, x []float32, dim int, labels []int32) {
	k := len(centres) / dim
	sum := make([]float64, k*dim)
	count := make([]int, k)
	for i, c := range labels {
		count[c]++
		s := sum[int(c)*dim : (int(c)+1)*dim]
		for t, v := range x[i*dim : (i+1)*dim] {
			s[t] += float64(v)
		}
	}
	for c := 0; c < k; c++ {
		if count[c] == 0 {
			continue
		}
		for t := 0; t < dim; t++ {
			centres[c*dim+t] = float32(sum[c*dim+t] / float64(count[c]))
		}
	}
}
