package train

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/voxsiam/voxsiam/tools/store"
	"github.com/voxsiam/voxsiam/train/metrics"
)

// constNet is a stand-in Net whose outputs never change: every validation
// gives the same metrics, so nothing improves after the first one.
type constNet struct{ step int64 }

func (c *constNet) Step(*Batch, [2]int64) (float64, error) { c.step++; return 1, nil }
func (c *constNet) Infer(x []float32, n int, labels []int32) (InferOut, error) {
	o := InferOut{EmbDim: 2, DistDim: 2, Loss: 1}
	for i := 0; i < n; i++ {
		o.Emb = append(o.Emb, 1, float32(i%3)) // varied but label-blind
		o.Dist = append(o.Dist, 0.5, 0.5)
	}
	return o, nil
}
func (c *constNet) GlobalStep() (int64, error) { return c.step, nil }
func (c *constNet) Save(prefix string) error {
	for _, suf := range []string{".index", ".data-00000-of-00001"} {
		if err := os.WriteFile(prefix+suf, []byte("x"), 0o644); err != nil {
			return err
		}
	}
	return nil
}
func (c *constNet) Restore(string) error { return nil }
func (c *constNet) Close() error         { return nil }

// TestEarlyStoppingAndBest: with val every 2 steps and patience 2, a metric
// that never improves after step 2 stops the run at step 6; "best" points at
// ckpt-2, which survives pruning to keep=1 next to the final ckpt-6.
func TestEarlyStoppingAndBest(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	cfg.Train.Steps, cfg.Train.ValEvery, cfg.Train.MREvery, cfg.Train.CkptEvery = 100, 2, 0, 1
	cfg.Train.Patience, cfg.Train.Keep = 2, 1
	run := filepath.Join(dir, "run")
	mk := func(Config, *store.Store) (Net, error) { return &constNet{}, nil }
	if err := run_(t, cfg, run, mk); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	b, _ := os.ReadFile(filepath.Join(run, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if !sum.EarlyStopped || sum.Steps != 6 || sum.BestStep != 2 {
		t.Fatalf("summary %+v: want early stop at 6, best at 2", sum)
	}
	c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
	steps, _ := c.steps()
	if d := cmp.Diff([]int64{2, 6}, steps); d != "" {
		t.Errorf("kept checkpoints (-want +got):\n%s", d)
	}
	if best, _ := c.pointer("best"); best != "ckpt-2" {
		t.Errorf("best %q, want ckpt-2", best)
	}
	if latest, _ := c.pointer("checkpoint"); latest != "ckpt-6" {
		t.Errorf("checkpoint %q, want ckpt-6", latest)
	}
}

func run_(t *testing.T, cfg Config, dir string, mk netFactory) error {
	t.Helper()
	return run(context.Background(), cfg, dir, io.Discard, false, mk)
}

func TestBestStateReplay(t *testing.T) {
	// val_acc is larger-is-better: the best is 0.8 at step 20, then two
	// validations without improvement.
	b := newBest("val_acc")
	b.replay([]metrics.Row{
		{"step": 10, "val_acc": 0.6}, {"step": 15, "loss": 1}, {"step": 20, "val_acc": 0.8},
		{"step": 30, "val_acc": 0.7}, {"step": 40, "val_acc": 0.8},
	})
	if b.value != 0.8 || b.step != 20 || b.bad != 2 {
		t.Fatalf("state %+v: want 0.8 at 20, 2 bad", b)
	}
}

// normNet is a constNet whose Step k (1-based) has gradient norm k.
type normNet struct{ constNet }

func (n *normNet) GradNorm() float64 { return float64(n.step) }

// TestGradNormLogged: with log_every 4, metrics.jsonl's log rows carry the
// mean and the maximum of the gradient norms of their 4 steps (steps 1-4:
// 2.5 and 4; steps 5-8: 6.5 and 8); a net that reports none logs no
// grad_norm.
func TestGradNormLogged(t *testing.T) {
	for _, tc := range []struct {
		name string
		net  func() Net
		want [][2]float64
	}{
		{"normNet", func() Net { return &normNet{} }, [][2]float64{{2.5, 4}, {6.5, 8}}},
		{"constNet", func() Net { return &constNet{} }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := tinyConfig(writeTinyStore(t, dir, 10))
			cfg.Train.Steps, cfg.Train.LogEvery, cfg.Train.ValEvery, cfg.Train.MREvery, cfg.Train.CkptEvery = 8, 4, 0, 0, 8
			run := filepath.Join(dir, "run")
			if err := run_(t, cfg, run, func(Config, *store.Store) (Net, error) { return tc.net(), nil }); err != nil {
				t.Fatal(err)
			}
			rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			var got [][2]float64
			for _, r := range rows {
				if _, ok := r["loss"]; !ok {
					continue
				}
				if g, ok := r["grad_norm"]; ok {
					got = append(got, [2]float64{g, r["grad_norm_max"]})
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("grad_norm, grad_norm_max per log row (-want +got):\n%s", d)
			}
		})
	}
}
