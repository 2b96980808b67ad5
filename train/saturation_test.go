package train

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/tools/store"
)

// deadNet is a constNet whose gradient norm is 1 up to step from (1-based)
// and 0 after it, except at step blip; its loss is loss at every step.
type deadNet struct {
	constNet
	from, blip int64
	loss       float64
}

func (n *deadNet) Step(b *Batch, s [2]int64) (float64, error) {
	n.constNet.Step(b, s)
	return n.loss, nil
}

func (n *deadNet) GradNorm() float64 {
	if n.step <= n.from || n.step == n.blip {
		return 1
	}
	return 0
}

// TestSaturationStops: a run whose gradient vanishes at step 30 while the
// loss stays at 5.8 stops with an error at step 30 + deadSteps, naming the
// run, the first dead step and the last checkpoint before it; a zero
// gradient at a zero loss (every pair past its margin) and a dead stretch
// broken by one live step both train to the end.
func TestSaturationStops(t *testing.T) {
	steps := int64(30 + deadSteps + 40)
	for _, tc := range []struct {
		name    string
		net     deadNet
		wantErr []string // substrings; nil: the run completes
	}{
		{"saturated", deadNet{from: 30, loss: 5.8},
			[]string{"step 130", "saturated", "0 for 100 steps", "5.8", "from step 31 on", "last kept before it is step 20", "clip_norm"}},
		{"pruned", deadNet{from: 30, loss: 5.8}, []string{"step 130", "from step 31 on", "none of the kept ones predates it"}},
		{"converged", deadNet{from: 30, loss: 0}, nil},
		{"blip", deadNet{from: 30, blip: 30 + deadSteps - 10, loss: 5.8}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := tinyConfig(writeTinyStore(t, dir, 10))
			cfg.Train.Steps, cfg.Train.LogEvery, cfg.Train.ValEvery, cfg.Train.MREvery, cfg.Train.CkptEvery = steps, 10, 0, 0, 20
			cfg.Train.Keep = 10 // ckpt-20 survives pruning
			if tc.name == "pruned" {
				cfg.Train.Keep = 3 // ckpt-80, 100 and 120 only
			}
			run := filepath.Join(dir, "run")
			net := tc.net
			err := run_(t, cfg, run, func(Config, *store.Store) (Net, error) { return &net, nil })
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("run: %v; want it to complete", err)
				}
				if net.step != steps {
					t.Fatalf("trained %d steps, want %d", net.step, steps)
				}
				return
			}
			if err == nil {
				t.Fatalf("run completed %d steps; want a saturation error", net.step)
			}
			for _, w := range append(tc.wantErr, run) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if net.step != 30+deadSteps {
				t.Errorf("stopped after %d steps, want %d", net.step, 30+deadSteps)
			}
		})
	}
}
