package plot

import (
	"fmt"
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/voxsiam/voxsiam/eval"
)

// maxLeafLabels is the largest tree whose leaves are labelled; bigger
// trees show their last maxLeafLabels-1 merges above collapsed subtrees
// (scipy's truncate_mode="lastp"), each labelled with its size.
const maxLeafLabels = 60

// LeafOrder returns the observations in the left-to-right order of the
// dendrogram of z (scipy's dendrogram order: A subtree left of B).
func LeafOrder(z []eval.Merge) []int {
	return leaves(z, 0)
}

// leaves lists, left to right, the nodes below the merges with index >=
// first that are not such merges themselves.
func leaves(z []eval.Merge, first int) []int {
	n := len(z) + 1
	var out []int
	var walk func(c int)
	walk = func(c int) {
		if c < n || c-n < first {
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
// true speaker (colour index per observation, -1 for none) and labelled
// with names for small trees, and a dashed horizontal line at cut (NaN:
// none). Trees of more than maxLeafLabels observations are truncated.
func Dendrogram(file, title string, z []eval.Merge, names []string, speaker []int, cut float64, cutName string) error {
	n := len(z) + 1
	if n < 2 {
		return fmt.Errorf("plot: %s: a dendrogram needs two observations", file)
	}
	first := max(0, len(z)-(maxLeafLabels-1))
	order := leaves(z, first)
	x := make([]float64, 2*n-1)
	y := make([]float64, 2*n-1)
	for pos, leaf := range order {
		x[leaf] = float64(pos)
	}
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("Utterances (%d)", n)
	if first > 0 {
		p.X.Label.Text = fmt.Sprintf("Utterances (%d; the last %d merges, subtree sizes below)", n, len(z)-first)
	}
	p.Y.Label.Text = "Merge distance"
	for i := first; i < len(z); i++ {
		m := z[i]
		id := n + i
		x[id], y[id] = (x[m.A]+x[m.B])/2, m.Height
		l, err := plotter.NewLine(plotter.XYs{{X: x[m.A], Y: y[m.A]}, {X: x[m.A], Y: m.Height}, {X: x[m.B], Y: m.Height}, {X: x[m.B], Y: y[m.B]}})
		if err != nil {
			return fmt.Errorf("plot: dendrogram: %w", err)
		}
		l.Color, l.Width = color.Gray{Y: 60}, vg.Points(0.7)
		p.Add(l)
	}
	if first == 0 {
		addLeaves(p, order, x, speaker)
	}
	if cut == cut { // not NaN
		l, _ := plotter.NewLine(plotter.XYs{{X: -0.5, Y: cut}, {X: float64(len(order)) - 0.5, Y: cut}})
		l.Color, l.Width = color.RGBA{R: 210, A: 255}, vg.Points(1.2)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s cut %.3f", cutName, cut), l)
		p.Legend.Top = true
	}
	p.X.Min, p.X.Max = -1, float64(len(order))
	p.Y.Min = 0
	p.X.Tick.Marker = gplot.ConstantTicks(leafTicks(z, order, names))
	p.X.Tick.Label.Rotation = 1.5708
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	return save(p, file)
}

// leafTicks labels observations with their names and collapsed subtrees
// with their size, "(k)".
func leafTicks(z []eval.Merge, order []int, names []string) []gplot.Tick {
	n := len(z) + 1
	var ticks []gplot.Tick
	for pos, leaf := range order {
		label := ""
		switch {
		case leaf >= n:
			label = fmt.Sprintf("(%d)", z[leaf-n].Size)
		case len(names) == n:
			label = names[leaf]
		}
		ticks = append(ticks, gplot.Tick{Value: float64(pos), Label: label})
	}
	return ticks
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
