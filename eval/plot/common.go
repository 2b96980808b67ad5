package plot

import (
	"fmt"
	"image/color"
	"sort"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func save(p *gplot.Plot, file string) error {
	p.Title.TextStyle.Font.Size = vg.Points(13)
	for _, ax := range []*gplot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font.Size = vg.Points(11)
		ax.Tick.Label.Font.Size = vg.Points(9)
	}
	if err := p.Save(Width, Height, file); err != nil {
		return fmt.Errorf("plot: save %s: %w", file, err)
	}
	return nil
}

// palette returns a distinct colour for i (plotutil's soft palette, then
// darker variants).
func palette(i int) color.Color {
	return plotutil.Color(i)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
