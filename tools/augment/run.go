package augment

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// RunOptions is a `voxsiam augment` run: Corpus's options plus how the
// corpus is read.
type RunOptions struct {
	CorpusOptions
	Layout     dataset.Layout // corpus layout; "" or dataset.Auto: detected
	AllowPipes bool           // Kaldi wav.scp pipe commands (dataset.Options.AllowPipes)
}

// RunSummary is CorpusSummary with what was read and how long it took.
type RunSummary struct {
	Out    string `json:"out"`
	Layout string `json:"layout"`
	CorpusSummary
	Seconds            float64 `json:"seconds"`     // wall time of the scan and augmentation
	CPUSeconds         float64 `json:"cpu_seconds"` // process CPU time of the same
	AudioSecondsPerSec float64 `json:"audio_seconds_per_second"`
}

// Run scans the corpus directory in (dataset.ScanWith) and writes its
// augmented copy under out (Corpus). An out inside in is a usage error: the
// copies would be read back as corpus files by the next run.
func Run(ctx context.Context, in, out string, o RunOptions) (*RunSummary, error) {
	if inside(out, in) {
		return nil, errs.Usage("augment: output %s must not lie inside the corpus %s (the copies would be read back as corpus files)", out, in)
	}
	work := progress.StartPhase()
	items, layout, err := dataset.ScanLayout(in, o.Layout, dataset.Options{AllowPipes: o.AllowPipes})
	if err != nil {
		return nil, err
	}
	res, err := Corpus(ctx, items, out, o.CorpusOptions)
	if err != nil {
		return nil, err
	}
	sum := &RunSummary{Out: out, Layout: string(layout), CorpusSummary: *res}
	sum.Seconds, sum.CPUSeconds = work.Since()
	if sum.Seconds > 0 {
		sum.AudioSecondsPerSec = sum.AudioSeconds / sum.Seconds
	}
	return sum, nil
}

// inside reports whether path is dir or lies under it.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
