package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/store"
	"github.com/voxsiam/voxsiam/train/metrics"
)

// writeTinyStore writes a store of nSpk synthetic speakers (2 per group),
// 3 utterances each of 30-45 frames x 8 mel bins: a per-speaker mean vector
// plus unit noise, so speakers are separable.
func writeTinyStore(t testing.TB, dir string, nSpk int) string {
	t.Helper()
	path := filepath.Join(dir, "feats")
	w, err := store.Create(path, store.Options{NMels: 8, FeatureConfig: map[string]any{"n_mels": 8}})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(42, 0))
	for s := 0; s < nSpk; s++ {
		sp := fmt.Sprintf("spk%02d", s)
		w.SetGroup(sp, fmt.Sprintf("g%02d", s/2))
		mean := make([]float32, 8)
		for k := range mean {
			mean[k] = float32(r.NormFloat64() * 2)
		}
		for u := 0; u < 3; u++ {
			rows := 30 + r.IntN(16)
			fr := make([]float32, rows*8)
			for i := range fr {
				fr[i] = mean[i%8] + float32(r.NormFloat64())
			}
			id := fmt.Sprintf("%s-u%d", sp, u)
			if err := w.Add(store.Utterance{ID: id, Speaker: sp, Source: id + ".wav", Duration: float64(rows) / 100}, fr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyConfig is a small, single-threaded (deterministic) configuration.
func tinyConfig(storePath string) Config {
	c := DefaultConfig()
	c.Data.Store = storePath
	c.Data.ValFraction, c.Data.ValSegments, c.Data.ValUtterances = 0.2, 24, 3
	c.Model.LSTM1, c.Model.LSTM2 = 8, 8
	o := &c.Train
	o.Batch, o.Steps, o.Segment, o.Seed = 12, 30, 10, 5
	o.LogEvery, o.ValEvery, o.MREvery, o.CkptEvery, o.Keep = 1, 10, 10, 5, 2
	o.IntraOp, o.InterOp = 1, 1
	return c
}

// TestRunSamplingLosses trains four steps with each loss and sampling mode
// and checks the losses the runs log: one row a step, every training loss
// and the step-4 validation loss finite and >= 0 (KL divergences and
// hinges of them), not all zero, and different wherever the setting
// differs (seed and symmetric losses on the same balanced batches, seed
// loss on balanced and random batches), so each setting reaches the graph
// and the sampler.
func TestRunSamplingLosses(t *testing.T) {
	dir := t.TempDir()
	feats := writeTinyStore(t, dir, 10)
	first := map[string]float64{}
	for _, c := range []struct{ loss, sampling string }{{"seed", "balanced"}, {"seed", "random"}, {"symmetric", "balanced"}} {
		name := c.loss + "/" + c.sampling
		cfg := tinyConfig(feats)
		cfg.Train.Steps, cfg.Train.Sampling, cfg.Model.Loss = 4, c.sampling, c.loss
		cfg.Train.ValEvery, cfg.Train.MREvery = 4, 4
		run := filepath.Join(dir, c.loss+c.sampling)
		if err := Run(context.Background(), cfg, run, io.Discard); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 {
			t.Errorf("%s: %d metrics rows, want 4 (log_every 1)", name, len(rows))
			continue
		}
		sum := 0.0
		for i, r := range rows {
			l, ok := r["loss"]
			if !ok || math.IsNaN(l) || math.IsInf(l, 0) || l < 0 {
				t.Errorf("%s: step %d loss %v (present %v), want finite >= 0", name, i+1, l, ok)
			}
			sum += l
		}
		if sum == 0 {
			t.Errorf("%s: every loss is 0", name)
		}
		if v, ok := rows[3]["val_loss"]; !ok || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Errorf("%s: step 4 val_loss %v (present %v), want finite >= 0", name, v, ok)
		}
		first[name] = rows[0]["loss"]
	}
	for _, p := range [][2]string{{"seed/balanced", "symmetric/balanced"}, {"seed/balanced", "seed/random"}} {
		if a, b := first[p[0]], first[p[1]]; a == b {
			t.Errorf("step 1 loss %s = %s = %v: the setting does not reach the step", p[0], p[1], a)
		}
	}
}

func TestRunLayout(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(writeTinyStore(t, dir, 10))
	run := filepath.Join(dir, "run")
	if err := Run(context.Background(), cfg, run, os.Stderr); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.toml", "features.json", "train.list", "val.list", "summary.json",
		"metrics.jsonl", "checkpoints/checkpoint", "checkpoints/best", "checkpoints/ckpt-30.index"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// keep 2: ckpt-25, ckpt-30 plus the best
	c := &ckptDir{dir: filepath.Join(run, "checkpoints")}
	steps, _ := c.steps()
	if len(steps) > 3 || steps[len(steps)-1] != 30 {
		t.Errorf("checkpoints %v: want at most 3 ending at 30", steps)
	}
	rows, err := metrics.Read(filepath.Join(run, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 30 {
		t.Fatalf("%d metrics rows, want 30 (log_every 1)", len(rows))
	}
	for _, k := range []string{"val_loss", "val_acc", "val_eer", "val_acc_cos", "val_eer_cos", "val_mr", "val_mr_zhaw"} {
		if _, ok := rows[9][k]; !ok {
			t.Errorf("row at step 10 lacks %s: %v", k, rows[9])
		}
	}
	got, err := LoadConfig(filepath.Join(run, "config.toml"))
	if err != nil || got.Model.Speakers != 8 || got.Model.Frames != 10 || got.Model.Bins != 8 {
		t.Errorf("effective config: speakers %d frames %d bins %d (%v), want 8 10 8",
			got.Model.Speakers, got.Model.Frames, got.Model.Bins, err)
	}
	if err := Run(context.Background(), cfg, run, os.Stderr); err == nil {
		t.Error("second fresh run into the same dir accepted")
	}
	checkEvents(t, filepath.Join(run, "events"), rows, cfg.Data.ValSegments)
}

// checkEvents reads the run's event files with TensorBoard's EventAccumulator
// and compares the loss scalars with metrics.jsonl and the embedding-norm
// histograms' counts with the validation set size.
// Live only, no stored reference: the event files of a training run (wall times, thread-order rounding) differ from run to run.
func checkEvents(t *testing.T, dir string, rows []metrics.Row, valSegments int) {
	const script = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0})
acc.Reload()
print(json.dumps({"loss": [[e.step, e.value] for e in acc.Scalars("train/loss")],
  "eer": len(acc.Scalars("val/eer")), "mr": len(acc.Scalars("val/mr")),
  "norms": [e.histogram_value.num for e in acc.Histograms("val/embedding_norm")]}))
`
	var got struct {
		Loss    [][2]float64
		EER, MR int
		Norms   []float64
	}
	if err := json.Unmarshal(testenv.RunPython(t, script, dir), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Loss) != len(rows) || got.EER != 3 || got.MR != 3 || len(got.Norms) != 3 {
		t.Fatalf("tensorboard: %d losses, %d eer, %d mr, %d histograms; want %d, 3, 3, 3",
			len(got.Loss), got.EER, got.MR, len(got.Norms), len(rows))
	}
	for i, p := range got.Loss {
		if int64(p[0]) != rows[i].Step() || math.Abs(p[1]-rows[i]["loss"]) > 1e-6*math.Max(1, p[1]) {
			t.Errorf("tensorboard loss %v, metrics.jsonl step %d loss %v", p, rows[i].Step(), rows[i]["loss"])
		}
	}
	for _, n := range got.Norms {
		if int(n) != valSegments {
			t.Errorf("norm histogram of %v values, want %d", n, valSegments)
		}
	}
}
