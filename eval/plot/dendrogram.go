package plot

import (
	"fmt"
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/voxsiam/voxsiam/eval"
)

// maxLeafLabels is the largest tree whose leaves are labelled.
const maxLeafLabels = 60

// LeafOrder returns the observations in the left-to-right order of the
// dendrogram of z (scipy's dendrogram order: A subtree left of B).
func LeafOrder(z []eval.Merge) []int {
	n := len(z) + 1
	var out []int
	var walk func(c int)
	walk = func(c int) {
		if c < n {
			out = append(out, c)
			return
		}
		walk(z[c-n].A)
		walk(z[c-n].B)
	}
	walk(2*n - 2)
	return out
}

// Dendrogram saves the tree z with U-shaped links, leaves coloured by their
// true speaker (colour index per leaf, -1 for none) and labelled with names
// for small trees, and a dashed horizontal line at cut (NaN: none).
func Dendrogram(file, title string, z []eval.Merge, names []string, speaker []int, cut float64, cutName string) error {
	n := len(z) + 1
	if n < 2 {
		return fmt.Errorf("plot: %s: a dendrogram needs two observations", file)
	}
	order := LeafOrder(z)
	x := make([]float64, 2*n-1)
	y := make([]float64, 2*n-1)
	for pos, leaf := range order {
		x[leaf] = float64(pos)
	}
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("Utterances (%d)", n)
	p.Y.Label.Text = "Merge distance"
	for i, m := range z {
		id := n + i
		x[id], y[id] = (x[m.A]+x[m.B])/2, m.Height
		l, err := plotter.NewLine(plotter.XYs{{X: x[m.A], Y: y[m.A]}, {X: x[m.A], Y: m.Height}, {X: x[m.B], Y: m.Height}, {X: x[m.B], Y: y[m.B]}})
		if err != nil {
			return fmt.Errorf("plot: dendrogram: %w", err)
		}
		l.Color, l.Width = color.Gray{Y: 60}, vg.Points(0.7)
		p.Add(l)
	}
	addLeaves(p, order, x, speaker)
	if cut == cut { // not NaN
		l, _ := plotter.NewLine(plotter.XYs{{X: -0.5, Y: cut}, {X: float64(n) - 0.5, Y: cut}})
		l.Color, l.Width = color.RGBA{R: 210, A: 255}, vg.Points(1.2)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s cut %.3f", cutName, cut), l)
		p.Legend.Top = true
	}
	p.X.Min, p.X.Max = -1, float64(n)
	p.Y.Min = 0
	if len(names) == n && n <= maxLeafLabels {
		var ticks []gplot.Tick
		for pos, leaf := range order {
			ticks = append(ticks, gplot.Tick{Value: float64(pos), Label: names[leaf]})
		}
		p.X.Tick.Marker = gplot.ConstantTicks(ticks)
		p.X.Tick.Label.Rotation = 1.5708
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	} else {
		p.X.Tick.Marker = gplot.ConstantTicks(nil)
	}
	return save(p, file)
}

// addLeaves marks each leaf with a dot in its speaker's colour.
func addLeaves(p *gplot.Plot, order []int, x []float64, speaker []int) {
	if len(speaker) != len(order) {
		return
	}
	for _, leaf := range order {
		if speaker[leaf] < 0 {
			continue
		}
		s, err := plotter.NewScatter(plotter.XYs{{X: x[leaf], Y: 0}})
		if err != nil {
			continue
		}
		s.GlyphStyle.Color = palette(speaker[leaf])
		s.GlyphStyle.Radius = vg.Points(2.5)
		p.Add(s)
	}
}
