package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Threshold is a named vertical line on a score histogram.
type Threshold struct {
	Name  string
	Value float64
}

// ScoreHist saves normalised histograms (density) of target and non-target
// scores with vertical lines at the thresholds to file (PNG).
func ScoreHist(file, title string, scores []float64, target []bool, thresholds []Threshold) error {
	var tar, non plotter.Values
	for i, s := range scores {
		if target[i] {
			tar = append(tar, s)
		} else {
			non = append(non, s)
		}
	}
	if len(tar) == 0 || len(non) == 0 {
		return fmt.Errorf("plot: %s: need target and non-target scores", file)
	}
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = "Score"
	p.Y.Label.Text = "Density"
	bins := int(math.Max(10, math.Min(60, math.Sqrt(float64(len(scores))))))
	for i, set := range []struct {
		name string
		v    plotter.Values
	}{{"non-target", non}, {"target", tar}} {
		h, err := plotter.NewHist(set.v, bins)
		if err != nil {
			return fmt.Errorf("plot: histogram: %w", err)
		}
		h.Normalize(1)
		c := palette(i).(color.RGBA)
		c.A = 150
		h.FillColor, h.LineStyle.Width = c, vg.Points(0.5)
		p.Add(h)
		p.Legend.Add(fmt.Sprintf("%s (%d)", set.name, len(set.v)), h)
	}
	ymax := 0.0
	p.Y.Min = 0
	ymax = p.Y.Max
	for i, t := range thresholds {
		l, err := plotter.NewLine(plotter.XYs{{X: t.Value, Y: 0}, {X: t.Value, Y: ymax}})
		if err != nil {
			return err
		}
		l.Color = [...]color.Color{color.Black, color.RGBA{R: 200, A: 255}, color.RGBA{G: 120, A: 255}}[i%3]
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s %.3f", t.Name, t.Value), l)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return save(p, file)
}
