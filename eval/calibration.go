package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// A calibration file (a model's assets/calibration.json, or any path) is one
// JSON object:
//
//	{"format": "voxsiam-calibration", "version": 1, "metric": "cosine",
//	 "threshold": 0.71, "eer": 0.11, "far": 0.11, "frr": 0.11,
//	 "trials": 1615303, "target_trials": 201000, "speakers": 8, "utterances": 1798,
//	 "dev": "heldout/val.list of the real-voice corpus",
//	 "points": [{"threshold": -0.2, "far": 1, "frr": 0}, ...]}
//
// Scores are cosine similarities of utterance embeddings (1 - cosine
// distance); a trial is accepted when its score >= threshold. "far" and
// "frr" at a point are the fractions of non-target trials accepted and of
// target trials rejected there, measured on the dev trials (every pair of
// dev utterances); "threshold" is the equal-error point unless the file
// says otherwise.
const (
	// CalibrationAsset is the file name of a model's calibration in its
	// assets/ directory.
	CalibrationAsset = "calibration.json"
	calibrationFmt   = "voxsiam-calibration"
	calibrationVer   = 1
)

// OperatingPoint is a threshold and its error rates on the dev trials.
type OperatingPoint struct {
	Threshold float64 `json:"threshold"`
	FAR       float64 `json:"far"` // non-target trials with score >= Threshold, fraction
	FRR       float64 `json:"frr"` // target trials with score < Threshold, fraction
}

// Calibration is a verification threshold and the error rates behind it.
type Calibration struct {
	Metric       string           `json:"metric"` // "cosine"
	Threshold    float64          `json:"threshold"`
	EER          float64          `json:"eer"`
	FAR          float64          `json:"far"` // at Threshold
	FRR          float64          `json:"frr"` // at Threshold
	Trials       int              `json:"trials"`
	TargetTrials int              `json:"target_trials"`
	Speakers     int              `json:"speakers"`
	Utterances   int              `json:"utterances"`
	Dev          string           `json:"dev"`    // what the dev trials were
	Points       []OperatingPoint `json:"points"` // Threshold ascending (FAR falling, FRR rising)
}

// Calibrate measures FAR and FRR of the trials at n thresholds spread over
// the score quantiles (n >= 2; plus both extremes) and sets the threshold at
// the equal error rate (EER). Both classes must be present.
func Calibrate(scores []float64, target []bool, n int) Calibration {
	checkTrials(target)
	tar, non := splitSorted(scores, target)
	all := append(append([]float64(nil), tar...), non...)
	sort.Float64s(all)
	c := Calibration{Metric: Cosine.String(), Trials: len(scores), TargetTrials: len(tar)}
	last := math.Inf(-1)
	for k := 0; k <= n; k++ {
		t := all[min(len(all)-1, k*(len(all)-1)/n)]
		if t == last {
			continue
		}
		last = t
		c.Points = append(c.Points, OperatingPoint{Threshold: t, FAR: fracAtLeast(non, t), FRR: 1 - fracAtLeast(tar, t)})
	}
	c.EER, c.Threshold = EER(scores, target)
	c.FAR, c.FRR = fracAtLeast(non, c.Threshold), 1-fracAtLeast(tar, c.Threshold)
	return c
}

// fracAtLeast is the fraction of sorted x that is >= t.
func fracAtLeast(x []float64, t float64) float64 {
	return float64(len(x)-sort.SearchFloat64s(x, t)) / float64(len(x))
}

// At returns FAR and FRR at threshold t, interpolated linearly between the
// stored points (the end points' rates beyond them).
func (c *Calibration) At(t float64) (far, frr float64) {
	p := c.Points
	if len(p) == 0 {
		return math.NaN(), math.NaN()
	}
	i := sort.Search(len(p), func(i int) bool { return p[i].Threshold >= t })
	switch {
	case i == 0:
		return p[0].FAR, p[0].FRR
	case i == len(p):
		return p[len(p)-1].FAR, p[len(p)-1].FRR
	}
	a, b := p[i-1], p[i]
	w := (t - a.Threshold) / (b.Threshold - a.Threshold)
	return a.FAR + w*(b.FAR-a.FAR), a.FRR + w*(b.FRR-a.FRR)
}

// ForFAR returns the lowest stored threshold whose FAR is at most far, and
// its FRR; ok is false when no point reaches it.
func (c *Calibration) ForFAR(far float64) (threshold, frr float64, ok bool) {
	for _, p := range c.Points {
		if p.FAR <= far {
			return p.Threshold, p.FRR, true
		}
	}
	return 0, 0, false
}

// WriteCalibration writes c to path (JSON, above) atomically.
func WriteCalibration(path string, c Calibration) error {
	b, err := json.MarshalIndent(struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Calibration
	}{calibrationFmt, calibrationVer, c}, "", " ")
	if err != nil {
		return fmt.Errorf("eval: encode calibration %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// ReadCalibration reads a file WriteCalibration wrote; a file of another
// format or with unordered or out-of-range points is a data error naming it.
func ReadCalibration(path string) (*Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: read calibration: %w", err)
	}
	var f struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Calibration
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, errs.BadData("eval: calibration %s: %v", path, err)
	}
	if f.Format != calibrationFmt || f.Version != calibrationVer {
		return nil, errs.BadData("eval: calibration %s: format %q version %d, want %q version %d", path, f.Format, f.Version, calibrationFmt, calibrationVer)
	}
	c := f.Calibration
	if c.Metric != Cosine.String() || len(c.Points) < 2 {
		return nil, errs.BadData("eval: calibration %s: metric %q with %d points, want cosine and at least 2", path, c.Metric, len(c.Points))
	}
	for i, p := range c.Points {
		if p.FAR < 0 || p.FAR > 1 || p.FRR < 0 || p.FRR > 1 || (i > 0 && p.Threshold <= c.Points[i-1].Threshold) {
			return nil, errs.BadData("eval: calibration %s: point %d %+v out of order or range", path, i, p)
		}
	}
	return &c, nil
}
