package plot

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/gonum/mat"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxLegend is the number of speakers named in the map's legend; the rest
// are drawn grey as "other".
const maxLegend = 12

// PCA2 projects the rows of x (row-major [n, dim]) on their first two
// principal components (SVD of the centred data) and returns [n][2]
// coordinates and the fraction of variance each component explains.
func PCA2(x []float32, dim int) ([][2]float64, [2]float64, error) {
	n := len(x) / dim
	if n < 2 || dim < 2 {
		return nil, [2]float64{}, fmt.Errorf("plot: PCA needs two rows and two columns, got [%d, %d]", n, dim)
	}
	a := mat.NewDense(n, dim, nil)
	for j := 0; j < dim; j++ {
		var m float64
		for i := 0; i < n; i++ {
			m += float64(x[i*dim+j])
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			a.Set(i, j, float64(x[i*dim+j])-m)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, [2]float64{}, fmt.Errorf("plot: PCA: SVD did not converge")
	}
	var v mat.Dense
	svd.VTo(&v)
	s := svd.Values(nil)
	var total float64
	for _, sv := range s {
		total += sv * sv
	}
	out := make([][2]float64, n)
	for i := 0; i < n; i++ {
		for c := 0; c < 2; c++ {
			out[i][c] = mat.Dot(a.RowView(i), v.ColView(c))
		}
	}
	var frac [2]float64
	if total > 0 {
		frac = [2]float64{s[0] * s[0] / total, s[1] * s[1] / total}
	}
	return out, frac, nil
}

// Map saves a scatter plot of 2-D points coloured by speaker (names per
// point, "" for unknown) with a legend of the largest speakers.
func Map(file, title string, pts [][2]float64, speakers []string, axes [2]string) error {
	groups := map[string]plotter.XYs{}
	for i, p := range pts {
		s := speakers[i]
		if s == "" {
			s = "unknown"
		}
		groups[s] = append(groups[s], plotter.XY{X: p[0], Y: p[1]})
	}
	names := make([]string, 0, len(groups))
	for s := range groups {
		names = append(names, s)
	}
	sort.Slice(names, func(a, b int) bool {
		if len(groups[names[a]]) != len(groups[names[b]]) {
			return len(groups[names[a]]) > len(groups[names[b]])
		}
		return names[a] < names[b]
	})
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = axes[0], axes[1]
	p.Add(plotter.NewGrid())
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PlusGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{}}
	legend := make([]*plotter.Scatter, len(names))
	for i := len(names) - 1; i >= 0; i-- { // the largest speakers on top
		sc, err := plotter.NewScatter(groups[names[i]])
		if err != nil {
			return fmt.Errorf("plot: map: %w", err)
		}
		sc.GlyphStyle.Radius = vg.Points(2.5)
		sc.GlyphStyle.Color = color.Gray{Y: 180}
		if i < maxLegend {
			sc.GlyphStyle.Color = palette(i)
			sc.GlyphStyle.Shape = shapes[(i/7)%len(shapes)]
		}
		p.Add(sc)
		legend[i] = sc
	}
	for i := 0; i < len(names) && i < maxLegend; i++ {
		p.Legend.Add(names[i], legend[i])
	}
	if len(names) > maxLegend {
		p.Legend.Add(fmt.Sprintf("%d other speakers", len(names)-maxLegend), legend[maxLegend])
	}
	p.Legend.Top = true
	return save(p, file)
}
