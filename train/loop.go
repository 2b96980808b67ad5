package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/train/metrics"
	"github.com/voxsiam/voxsiam/train/tbevent"
)

// errStop ends the loop early without error (early stopping).
var errStop = errors.New("train: early stop")

// afterStep, when set (only tests set it), runs after each step's hooks
// and metrics row, with the steps completed: the resume tests' helper
// process pauses there to be signalled at a known step.
var afterStep func(step int64)

// loop is one training run in progress.
type loop struct {
	cfg      Config
	run      string
	out      io.Writer
	net      Net
	smp      *Sampler
	val      *valSet
	ckpt     *ckptDir
	tb       *tbevent.Writer
	log      *metrics.Log
	bar      *progress.Bar
	lines    bool   // plain log lines (stdout is not a terminal)
	valDesc  string // latest validation figures, shown on the progress bar
	row      metrics.Row
	best     bestState
	lossSum  float64
	lossN    int
	grads    gradNormer // the net, when it reports gradient norms
	gradSum  float64    // sum and maximum of the gradient norms since the last log
	gradMax  float64
	dead     deadWatch // stops a run whose network saturated
	distill  distiller // the net, when it has a distillation term
	distSum  float64   // sum of the distillation terms since the last log
	saved    int64     // step of the last checkpoint written
	t0       time.Time
	stepTime time.Duration // time in batch waits and TF steps since the last log
	start    int64
	summary  Summary
}

// iterate trains from l.start to cfg.Train.Steps, running the hooks after
// every step. A cancelled ctx checkpoints the current step and returns ctx.Err().
func (l *loop) iterate(ctx context.Context) error {
	o := l.cfg.Train
	hooks := l.hooks()
	l.t0 = time.Now()
	step := l.start
	tWait := time.Now()
	pctx, stop := context.WithCancel(ctx) // stops the prefetchers on early exit
	batches := l.smp.Prefetch(pctx, l.start, o.Steps, o.Prefetch)
	defer func() { // on early exit, wait for the prefetchers: run closes the store next
		stop()
		for range batches {
		}
	}()
	for b := range batches {
		loss, err := l.net.Step(b, [2]int64{int64(o.Seed), b.Step})
		l.stepTime += time.Since(tWait) // batch wait + TF step, hooks excluded
		if err != nil {
			return fmt.Errorf("train: step %d: %w", b.Step, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("train: step %d: loss is %v", b.Step, loss)
		}
		step = b.Step + 1
		l.lossSum += loss
		l.lossN++
		if l.grads != nil {
			v := l.grads.GradNorm()
			l.gradSum += v
			l.gradMax = max(l.gradMax, v)
			if err := l.dead.observe(step, loss, v); err != nil {
				return l.saturated(err, step)
			}
		}
		if l.distill != nil {
			l.distSum += l.distill.DistillLoss()
		}
		l.summary.FinalLoss = loss
		l.bar.Add(1)
		l.row = metrics.Row{}
		err = runHooks(hooks, step, l.cfg.Train.Steps)
		if ferr := l.flushRow(step); ferr != nil {
			return ferr
		}
		if afterStep != nil {
			afterStep(step)
		}
		if errors.Is(err, errStop) {
			l.summary.EarlyStopped = true
			break
		}
		if err != nil {
			return err
		}
		tWait = time.Now()
	}
	l.summary.Steps = step
	if step != l.saved {
		if err := l.ckpt.save(l.net, step); err != nil {
			return err
		}
		l.saved = step
	}
	return ctx.Err()
}

// hooks are the step hooks of a run, in the order they run.
func (l *loop) hooks() []Hook {
	o := l.cfg.Train
	hs := []Hook{EveryNSteps("log", o.LogEvery, l.logLoss)}
	if l.val != nil {
		hs = append(hs, EveryNSteps("validate", o.ValEvery, l.validate))
		hs = append(hs, EveryNSteps("mr", o.MREvery, l.validateMR))
		hs = append(hs, EveryNSteps("best", l.bestEvery(), l.keepBest))
	}
	hs = append(hs, EveryNSteps("checkpoint", o.CkptEvery, l.checkpoint))
	return hs
}

func (l *loop) logLoss(step int64) error {
	n := max(l.lossN, 1)
	sec := l.stepTime.Seconds()
	rate := float64(n) / math.Max(sec, 1e-9) // training steps/s, hooks excluded
	l.row["loss"] = l.lossSum / float64(n)
	l.row["lr"] = l.cfg.Model.LearningRate
	grad := ""
	if l.grads != nil && l.lossN > 0 {
		l.row["grad_norm"], l.row["grad_norm_max"] = l.gradSum/float64(n), l.gradMax
		grad = fmt.Sprintf("  grad norm %.3g", l.row["grad_norm"])
	}
	if l.distill != nil && l.lossN > 0 {
		l.row["distill_loss"] = l.distSum / float64(n)
		grad += fmt.Sprintf("  distill %.4g", l.row["distill_loss"])
	}
	l.tbScalars(step, map[string]float64{"train/steps_per_sec": rate, "train/step_time_ms": 1000 * sec / float64(n)})
	l.lossSum, l.lossN, l.stepTime, l.gradSum, l.gradMax, l.distSum = 0, 0, 0, 0, 0, 0
	desc := fmt.Sprintf("step %d loss %.4f", step, l.row["loss"])
	l.bar.Describe(desc + l.valDesc)
	if l.lines {
		// ETA from the average wall time per step so far (validation included)
		per := time.Since(l.t0) / time.Duration(max(step-l.start, 1))
		eta := (per * time.Duration(l.cfg.Train.Steps-step)).Round(time.Second)
		fmt.Fprintf(l.out, "%s%s  %.2f steps/s  ETA %s\n", desc, grad, rate, eta)
	}
	return nil
}

func (l *loop) checkpoint(step int64) error {
	if step == l.saved {
		return nil
	}
	// the step's metrics row reaches the disk before its checkpoint does, so
	// a run killed in between resumes with that row (not without it)
	if err := l.flushRow(step); err != nil {
		return err
	}
	if err := l.ckpt.save(l.net, step); err != nil {
		return err
	}
	l.saved = step
	return nil
}

// flushRow appends the row collected by this step's hooks to metrics.jsonl
// and its values to TensorBoard.
func (l *loop) flushRow(step int64) error {
	if len(l.row) == 0 {
		return nil
	}
	sc := make(map[string]float64, len(l.row))
	for k, v := range l.row {
		if !math.IsNaN(v) {
			sc[tbTag(k)] = v
		}
	}
	l.tbScalars(step, sc)
	l.row["step"] = float64(step)
	for k, v := range l.row {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			delete(l.row, k) // JSON has no NaN
		}
	}
	l.summary.Last = l.row
	row := l.row
	l.row = metrics.Row{} // written once, also when a checkpoint flushed it early
	return l.log.Append(row)
}

// tbTag maps a metrics key to a TensorBoard tag: "val_eer" -> "val/eer".
func tbTag(k string) string {
	switch {
	case k == "loss":
		return "train/loss"
	case k == "lr":
		return "train/learning_rate"
	case k == "grad_norm" || k == "grad_norm_max" || k == "distill_loss":
		return "train/" + k
	case len(k) > 4 && k[:4] == "val_":
		return "val/" + k[4:]
	}
	return k
}

func (l *loop) tbScalars(step int64, m map[string]float64) {
	if err := l.tb.Scalars(step, m); err != nil {
		fmt.Fprintln(os.Stderr, "voxsiam: tensorboard:", err)
	}
}

// runPath joins the run directory and name.
func (l *loop) runPath(name ...string) string {
	return filepath.Join(append([]string{l.run}, name...)...)
}
