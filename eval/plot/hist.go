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
	nb := int(math.Max(10, math.Min(60, math.Sqrt(float64(len(scores))))))
	lo, hi := minMax(scores)
	for i, set := range []struct {
		name string
		v    plotter.Values
	}{{"non-target", non}, {"target", tar}} {
		h := densityHist(set.v, lo, hi, nb)
		r, g, b, _ := palette(i).RGBA()
		h.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 140}
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

func minMax(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		hi = lo + 1
	}
	return lo, hi
}

// densityHist bins v into nb equal bins over [lo, hi] (shared by both
// classes) normalised to unit area.
func densityHist(v []float64, lo, hi float64, nb int) *plotter.Histogram {
	w := (hi - lo) / float64(nb)
	bins := make([]plotter.HistogramBin, nb)
	for k := range bins {
		bins[k] = plotter.HistogramBin{Min: lo + float64(k)*w, Max: lo + float64(k+1)*w}
	}
	for _, x := range v {
		k := min(int((x-lo)/w), nb-1)
		bins[k].Weight += 1 / (float64(len(v)) * w)
	}
	return &plotter.Histogram{Bins: bins, Width: w, LineStyle: plotter.DefaultLineStyle}
}
