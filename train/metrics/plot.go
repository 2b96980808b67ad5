package metrics

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Figure is one PNG: a title, a y label and the metrics keys drawn.
type Figure struct {
	File, Title, YLabel string
	Keys                []string
}

// Figures are the training curves `voxsiam plot` draws.
var Figures = []Figure{
	{"loss.png", "Loss", "loss", []string{"loss", "val_loss"}},
	{"accuracy.png", "Validation pair accuracy at the tuned threshold", "accuracy", []string{"val_acc", "val_acc_cos"}},
	{"eer.png", "Validation equal error rate", "EER", []string{"val_eer", "val_eer_cos"}},
	{"mr.png", "Validation clustering misclassification rate (exact; ZHAW greedy)", "MR", []string{"val_mr", "val_mr_zhaw"}},
	{"grad_norm.png", "Global gradient norm before clipping (mean, maximum per log interval)", "L2 norm", []string{"grad_norm", "grad_norm_max"}},
}

// Plot draws Figures from rows into outDir and returns the files written.
// Figures without any data are skipped.
func Plot(rows []Row, outDir string) ([]string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	var files []string
	for _, f := range Figures {
		p, ok, err := f.draw(rows)
		if err != nil {
			return files, err
		}
		if !ok {
			continue
		}
		path := filepath.Join(outDir, f.File)
		if err := p.Save(16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
			return files, fmt.Errorf("metrics: %s: %w", path, err)
		}
		files = append(files, path)
	}
	return files, nil
}

func (f Figure) draw(rows []Row) (*plot.Plot, bool, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = "step"
	p.Y.Label.Text = f.YLabel
	p.Add(plotter.NewGrid())
	any := false
	for i, key := range f.Keys {
		xs, ys := Series(rows, key)
		if len(xs) == 0 {
			continue
		}
		any = true
		pts := make(plotter.XYs, len(xs))
		for k := range xs {
			pts[k].X, pts[k].Y = xs[k], ys[k]
		}
		line, dots, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, false, fmt.Errorf("metrics: %s: %w", key, err)
		}
		line.Color, dots.Color = plotutil.Color(i), plotutil.Color(i)
		line.Width = vg.Points(1.5)
		dots.Shape = plotutil.Shape(i)
		p.Add(line, dots)
		p.Legend.Add(key, line, dots)
	}
	p.Legend.Top = true
	return p, any, nil
}
