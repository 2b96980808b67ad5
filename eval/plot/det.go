package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/voxsiam/voxsiam/eval"
)

// Size of the saved figures.
const (
	Width  = 16 * vg.Centimeter
	Height = 12 * vg.Centimeter
)

// probit is the normal-deviate axis of DET curves; probabilities are
// clamped to [lo, hi] so that 0 and 1 stay on the page.
type probit struct{}

const probLo, probHi = 0.0005, 0.6

// maxDETPoints is the most points drawn per DET curve.
const maxDETPoints = 5000

func deviate(p float64) float64 {
	return distuv.UnitNormal.Quantile(math.Min(math.Max(p, probLo), probHi))
}

func (probit) Normalize(min, max, x float64) float64 {
	a, b := deviate(min), deviate(max)
	return (deviate(x) - a) / (b - a)
}

func probitTicks(min, max float64) []gplot.Tick {
	var ts []gplot.Tick
	for _, p := range []float64{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6} {
		if p >= min && p <= max {
			ts = append(ts, gplot.Tick{Value: p, Label: fmt.Sprintf("%g", 100*p)})
		}
	}
	return ts
}

// DET saves the DET curve(s) of the named systems with their EER points to
// file (PNG). Each curve is a slice of eval.DETPoint.
func DET(file, title string, curves map[string][]eval.DETPoint, eers map[string]float64) error {
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = "False alarm probability (%)"
	p.Y.Label.Text = "Miss probability (%)"
	for _, ax := range []*gplot.Axis{&p.X, &p.Y} {
		ax.Min, ax.Max = probLo, probHi
		ax.Scale = probit{}
		ax.Tick.Marker = gplot.TickerFunc(probitTicks)
	}
	p.Add(plotter.NewGrid())
	diag := plotter.XYs{{X: probLo, Y: probLo}, {X: probHi, Y: probHi}}
	if l, err := plotter.NewLine(diag); err == nil {
		l.Color = color.Gray{Y: 170}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(l)
	}
	for i, name := range sortedKeys(curves) {
		pts := curves[name]
		step := max(1, len(pts)/maxDETPoints) // a page shows no more detail
		xy := make(plotter.XYs, 0, len(pts)/step+2)
		for k := 0; k < len(pts); k += step {
			xy = append(xy, plotter.XY{X: clamp(pts[k].PFA), Y: clamp(pts[k].PMiss)})
		}
		if last := pts[len(pts)-1]; (len(pts)-1)%step != 0 {
			xy = append(xy, plotter.XY{X: clamp(last.PFA), Y: clamp(last.PMiss)})
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plot: DET %s: %w", name, err)
		}
		l.Color, l.Width = palette(i), vg.Points(1.5)
		p.Add(l)
		label := name
		if e, ok := eers[name]; ok {
			label = fmt.Sprintf("%s (EER %.2f%%)", name, 100*e)
			s, _ := plotter.NewScatter(plotter.XYs{{X: clamp(e), Y: clamp(e)}})
			s.GlyphStyle = draw.GlyphStyle{Color: palette(i), Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
			p.Add(s)
		}
		p.Legend.Add(label, l)
	}
	p.Legend.Top = true
	return save(p, file)
}

func clamp(p float64) float64 { return math.Min(math.Max(p, probLo), probHi) }
