package tbevent

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// readBack loads event files with TensorBoard's own EventAccumulator
// (the reference reader) and returns scalars and histograms per tag.
// argv: the files (JSON {name: base64}), written to a temporary directory
// that the accumulator reads.
const readBack = `
import base64, json, os, sys, tempfile
from tensorboard.backend.event_processing import event_accumulator as ea
d = tempfile.mkdtemp()
for name, b in json.loads(sys.argv[1]).items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(base64.b64decode(b))
acc = ea.EventAccumulator(d, size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0})
acc.Reload()
out = {"scalars": {}, "histos": {}}
for t in acc.Tags()["scalars"]:
    out["scalars"][t] = [[e.step, e.value] for e in acc.Scalars(t)]
for t in acc.Tags()["histograms"]:
    out["histos"][t] = [{"step": e.step, "num": e.histogram_value.num, "sum": e.histogram_value.sum,
        "min": e.histogram_value.min, "max": e.histogram_value.max,
        "counts": sum(e.histogram_value.bucket)} for e in acc.Histograms(t)]
print(json.dumps(out))
`

// fixClock makes the writers' clock start at a fixed time and advance by a
// second per reading, so that event files are reproducible (the stored
// references are keyed by their bytes).
func fixClock(t *testing.T) {
	old := clock
	t.Cleanup(func() { clock = old })
	tick := time.Unix(1700000000, 0)
	clock = func() time.Time {
		tick = tick.Add(time.Second)
		return tick
	}
}

// readBackRef runs check on TensorBoard's reading of the event files in dir
// (readBack's output): stored, then live where the venv exists. The files
// are handed over in name order as events.out.tfevents.<k>.test, so the
// host's name stays out of the reference's input.
func readBackRef(t *testing.T, name, dir string, check func(t *testing.T, out []byte)) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "events.out.tfevents.*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no event files in %s: %v", dir, err)
	}
	sort.Strings(paths)
	files := map[string][]byte{}
	for k, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[fmt.Sprintf("events.out.tfevents.%d.test", k)] = b
	}
	arg, _ := json.Marshal(files)
	testenv.Reference(t, name, readBack, []string{string(arg)}, check)
}

type histo struct {
	Step                       int64
	Num, Sum, Min, Max, Counts float64
}

func TestWriterTensorBoard(t *testing.T) {
	fixClock(t)
	dir := t.TempDir()
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	norms := []float64{0.5, 1.25, 1.25, 3, 7.5, -2}
	wantScalars := map[string][][2]float64{"loss": {}, "val/eer": {}}
	for step := int64(0); step < 5; step++ {
		loss, eer := 1/float64(step+1), float64(step)*0.01
		if err := w.Scalars(step, map[string]float64{"loss": loss, "val/eer": eer}); err != nil {
			t.Fatal(err)
		}
		wantScalars["loss"] = append(wantScalars["loss"], [2]float64{float64(step), float64(float32(loss))})
		wantScalars["val/eer"] = append(wantScalars["val/eer"], [2]float64{float64(step), float64(float32(eer))})
	}
	if err := w.Histogram(3, "embedding/norm", norms); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	readBackRef(t, "tensorboard-writer", dir, func(t *testing.T, out []byte) {
		var got struct {
			Scalars map[string][][2]float64
			Histos  map[string][]histo
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		// Expected: the float32-rounded values written (simple_value is a float).
		if d := cmp.Diff(wantScalars, got.Scalars, cmpopts.EquateApprox(0, 1e-7)); d != "" {
			t.Errorf("scalars (-want +tensorboard):\n%s", d)
		}
		want := []histo{{Step: 3, Num: 6, Sum: 11.5, Min: -2, Max: 7.5, Counts: 6}}
		if d := cmp.Diff(want, got.Histos["embedding/norm"]); d != "" {
			t.Errorf("histogram (-want +tensorboard):\n%s", d)
		}
	})
}

func TestHistogramBuckets(t *testing.T) {
	// Expected buckets worked out from TF's limits: 1 lies in [1.1^k·1e-12) just
	// above it; 0 falls in the bucket whose lower limit is 0 ([0, 1e-12)).
	h := NewHistogram([]float64{0, 1, 1})
	if h.Num != 3 || h.Counts[0] != 1 || h.Counts[len(h.Counts)-1] != 2 {
		t.Fatalf("counts %v", h.Counts)
	}
	if h.Limits[0] != 1e-12 {
		t.Errorf("first limit %g, want 1e-12", h.Limits[0])
	}
	last := h.Limits[len(h.Limits)-1]
	if !(last > 1 && last/1.1 <= 1+1e-9) {
		t.Errorf("last limit %g does not bound 1 from above by one 1.1 step", last)
	}
	if math.IsInf(h.Min, 0) || h.SumSquares != 2 {
		t.Errorf("stats %+v", h)
	}
}

// TestSessionStartPurges: a run logs steps 1-8, dies, and a resumed run
// (second event file in the same directory) restarts at step 6. TensorBoard
// (EventAccumulator over the directory) must show each step once, with the
// resumed run's values from step 6 on.
func TestSessionStartPurges(t *testing.T) {
	fixClock(t)
	dir := t.TempDir()
	first, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	for s := int64(1); s <= 8; s++ {
		if err := first.Scalars(s, map[string]float64{"loss": float64(s)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.SessionStart(6); err != nil {
		t.Fatal(err)
	}
	for s := int64(6); s <= 10; s++ {
		if err := second.Scalars(s, map[string]float64{"loss": 100 + float64(s)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	readBackRef(t, "tensorboard-purge", dir, func(t *testing.T, out []byte) {
		var got struct{ Scalars map[string][][2]float64 }
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		want := [][2]float64{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 106}, {7, 107}, {8, 108}, {9, 109}, {10, 110}}
		if diff := cmp.Diff(want, got.Scalars["loss"]); diff != "" {
			t.Errorf("loss steps after a restart (-want +got):\n%s", diff)
		}
	})
}
