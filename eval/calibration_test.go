package eval

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestCalibrate: six trials whose rates are counted by hand: accept score
// >= t; at t = 0.7 one of three non-targets (0.7) is accepted and one of
// three targets (0.6) rejected. The EER is eval.EER's (checked against
// scikit-learn in metrics_test.go). A written file reads back equal, and a
// foreign or disordered file is a data error.
func TestCalibrate(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4}
	target := []bool{true, true, false, true, false, false}
	c := Calibrate(scores, target, 5)
	if len(c.Points) != 6 || c.Points[0].Threshold != 0.4 || c.Points[5].Threshold != 0.9 {
		t.Fatalf("points %+v, want one per score, ascending", c.Points)
	}
	for _, tc := range []struct {
		thr, far, frr float64
	}{
		{0.4, 1, 0}, {0.7, 1.0 / 3, 1.0 / 3}, {0.75, 1.0 / 6, 1.0 / 3}, {0.8, 0, 1.0 / 3}, {0.9, 0, 2.0 / 3}, {2, 0, 2.0 / 3},
	} {
		if far, frr := c.At(tc.thr); math.Abs(far-tc.far) > 1e-12 || math.Abs(frr-tc.frr) > 1e-12 {
			t.Errorf("At(%g) = %g, %g, want %g, %g", tc.thr, far, frr, tc.far, tc.frr)
		}
	}
	if thr, frr, ok := c.ForFAR(0.1); !ok || thr != 0.8 || math.Abs(frr-1.0/3) > 1e-12 {
		t.Errorf("ForFAR(0.1) = %g, %g, %v, want 0.8, 1/3", thr, frr, ok)
	}
	if eer, thr := EER(scores, target); c.EER != eer || c.Threshold != thr {
		t.Errorf("EER %g at %g, want %g at %g", c.EER, c.Threshold, eer, thr)
	}
	p := filepath.Join(t.TempDir(), CalibrationAsset)
	if err := WriteCalibration(p, c); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCalibration(p)
	if err != nil || back.Threshold != c.Threshold || len(back.Points) != len(c.Points) {
		t.Fatalf("read back %+v, %v", back, err)
	}
	for name, body := range map[string]string{
		"foreign":    `{"format": "voxsiam-backend", "version": 1}`,
		"disordered": `{"format": "voxsiam-calibration", "version": 1, "metric": "cosine", "points": [{"threshold": 1}, {"threshold": 0}]}`,
		"not json":   `threshold 0.5`,
	} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCalibration(p); !errors.Is(err, errs.ErrBadData) {
			t.Errorf("%s: %v, want a data error", name, err)
		}
	}
}
