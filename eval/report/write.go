package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/plot"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// figures writes the PNGs into dir and records their names.
type figures struct {
	dir   string
	names map[string]string
}

func newFigures(dir string, names map[string]string) *figures {
	return &figures{dir: dir, names: names}
}

func (f *figures) path(key, file string) string {
	f.names[key] = file
	return filepath.Join(f.dir, file)
}

func (f *figures) mkdir() error {
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func (f *figures) dendrogram(z []eval.Merge, ids []string, labels []int, cut float64, cutName string, method eval.Method, distance string) error {
	if err := f.mkdir(); err != nil {
		return err
	}
	title := fmt.Sprintf("Dendrogram: %s linkage, %s distance", method, distance)
	return plot.Dendrogram(f.path("dendrogram", "dendrogram.png"), title, z, ids, labels, cut, cutName)
}

func (f *figures) verification(det []eval.DETPoint, eer float64, scores []float64, target []bool, lines []plot.Threshold, name string) error {
	if err := f.mkdir(); err != nil {
		return err
	}
	if err := plot.DET(f.path("det", "det.png"), "DET curve", map[string][]eval.DETPoint{name: det}, map[string]float64{name: eer}); err != nil {
		return err
	}
	title := fmt.Sprintf("Target and non-target %s scores", name)
	return plot.ScoreHist(f.path("scores", "scores.png"), title, scores, target, lines)
}

func (f *figures) mapPlot(x []float32, dim int, set *vecio.Set, names []string) error {
	if set.Len() < 3 || dim < 2 {
		return nil
	}
	if err := f.mkdir(); err != nil {
		return err
	}
	pts, frac, err := plot.PCA2(x, dim)
	if err != nil {
		return err
	}
	axes := [2]string{fmt.Sprintf("PC1 (%.0f%% of variance)", 100*frac[0]), fmt.Sprintf("PC2 (%.0f%%)", 100*frac[1])}
	title := fmt.Sprintf("Embeddings, PCA (%d utterances, %d speakers)", set.Len(), len(names))
	return plot.Map(f.path("map", "map.png"), title, pts, set.Speakers(), axes)
}

// write saves report.json and report.md.
func write(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encode: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "report.md"), []byte(Markdown(r)), 0o644)
}

// Markdown renders the report with its figures.
func Markdown(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Evaluation of %s\n\n", r.Embeddings)
	if r.Backend != "" {
		fmt.Fprintf(&b, "%d utterances, %d speakers, %d dimensions; %s back-end, %s linkage.\n\n", r.Utterances, r.Speakers, r.Dim, r.Backend, r.Method)
	} else {
		fmt.Fprintf(&b, "%d utterances, %d speakers, %d dimensions; %s distance, %s linkage.\n\n", r.Utterances, r.Speakers, r.Dim, r.Metric, r.Method)
	}
	if a := r.ASNorm; a != nil {
		fmt.Fprintf(&b, "Verification scores AS-normed: %s; clustering uses the unnormalised distances.\n\n", a)
	}
	if c := r.Clustering; c != nil {
		b.WriteString("## Clustering\n\n| cut | threshold | clusters | MR | MR (ZHAW mr.py) | ACP | ASP | ARI | NMI | purity | coverage |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, k := range c.Cuts {
			fmt.Fprintf(&b, "| %s | %.4f | %d | %.2f%% | %.2f%% | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |\n", k.Name, k.Threshold, k.Clusters, 100*k.MR, 100*k.MRZHAW, k.ACP, k.ASP, k.ARI, k.NMI, k.Purity, k.Coverage)
		}
		b.WriteString("\nMR is exact (optimal one-to-one speaker-cluster mapping); MR (ZHAW mr.py) is the greedy approximation of the ZHAW reference code, never lower and dependent on the cluster numbering.\n")
		fmt.Fprintf(&b, "Legacy MR (Lukic & Vogt 2016, minimum over levels): %.2f%%. The oracle cut looks at the true speakers.\n\n", 100*c.LegacyMRMin)
		figure(&b, r, "dendrogram", "Dendrogram")
	}
	if v := r.Verification; v != nil {
		fmt.Fprintf(&b, "## Verification\n\n%d trials (%d target) from %s.\n\n", v.Trials, v.Targets, v.Source)
		fmt.Fprintf(&b, "| EER | EER (Kaldi rule) | EER threshold | minDCF p=0.01 | minDCF p=0.05 |\n|---|---|---|---|---|\n| %s | %.2f%% | %.4f | %.4f | %.4f |\n\n", FormatEER(v.EER, v.Bootstrap), 100*v.EERKaldi, v.EERThreshold, v.MinDCF01, v.MinDCF05)
		if bs := v.Bootstrap; bs != nil {
			fmt.Fprintf(&b, "EER in brackets: 95%% interval over speakers (%d speakers, %d resamples, seed %d, %d degenerate); minDCF p=0.01 [%.4f, %.4f], p=0.05 [%.4f, %.4f].\n\n",
				bs.Speakers, bs.B, bs.Seed, bs.Degenerate, bs.MinDCF01.Lo, bs.MinDCF01.Hi, bs.MinDCF05.Lo, bs.MinDCF05.Hi)
		}
		b.WriteString("| threshold | value | accuracy | precision | recall | F1 |\n|---|---|---|---|---|---|\n")
		for _, t := range v.Thresholds {
			fmt.Fprintf(&b, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f |\n", t.Name, t.Threshold, t.Accuracy, t.Precision, t.Recall, t.F1)
		}
		b.WriteString("\n")
		figure(&b, r, "det", "DET curve")
		figure(&b, r, "scores", "Score distributions")
	}
	if d := r.Diarization; d != nil {
		fmt.Fprintf(&b, "## Diarization\n\n| DER | missed | false alarm | confusion | scored speech |\n|---|---|---|---|---|\n| %.2f%% | %.2f s | %.2f s | %.2f s | %.2f s |\n\n", 100*d.DER, d.Missed, d.FalseAlarm, d.Confusion, d.Total)
	}
	figure(&b, r, "map", "2-D map of the embeddings")
	return b.String()
}

func figure(b *strings.Builder, r *Report, key, title string) {
	if f, ok := r.Figures[key]; ok {
		fmt.Fprintf(b, "### %s\n\n![%s](%s)\n\n", title, title, f)
	}
}
