package train

import (
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/train/metrics"
)

// bestState tracks the best value of the chosen metric. It is rebuilt on
// resume by replaying metrics.jsonl up to the checkpoint's step, so a resumed
// run keeps the same best and early-stopping count as an uninterrupted one.
type bestState struct {
	metric string
	value  float64 // NaN before the first validation
	step   int64
	bad    int // validations since the last improvement
}

func newBest(metric string) bestState { return bestState{metric: metric, value: math.NaN()} }

// observe feeds one value; it reports whether the value is a new best.
func (b *bestState) observe(v float64, step int64) bool {
	if math.IsNaN(v) {
		return false
	}
	if math.IsNaN(b.value) || metricDirection[b.metric]*(v-b.value) > 0 {
		b.value, b.step, b.bad = v, step, 0
		return true
	}
	b.bad++
	return false
}

// replay rebuilds the state from logged rows.
func (b *bestState) replay(rows []metrics.Row) {
	for _, r := range rows {
		if v, ok := r[b.metric]; ok {
			b.observe(v, r.Step())
		}
	}
}

// bestEvery is the interval at which the best metric is computed.
func (l *loop) bestEvery() int64 {
	if l.cfg.Train.BestMetric == "val_mr" {
		return l.cfg.Train.MREvery
	}
	return l.cfg.Train.ValEvery
}

// keepBest checkpoints a new best and marks it; it stops the run after
// Patience validations without improvement.
func (l *loop) keepBest(step int64) error {
	v, ok := l.row[l.cfg.Train.BestMetric]
	if !ok {
		return nil
	}
	if l.best.observe(v, step) {
		if err := l.checkpoint(step); err != nil {
			return err
		}
		if err := l.ckpt.setBest(step); err != nil {
			return err
		}
		l.summary.BestStep, l.summary.BestValue = step, v
		return nil
	}
	if p := l.cfg.Train.Patience; p > 0 && l.best.bad >= p {
		if l.lines {
			fmt.Fprintf(l.out, "early stop at step %d: %s has not improved on %.4f (step %d) in %d validations\n",
				step, l.best.metric, l.best.value, l.best.step, l.best.bad)
		}
		return errStop
	}
	return nil
}

// validate is the validation hook: loss, accuracies, EERs, histogram of norms.
func (l *loop) validate(step int64) error {
	m, nrm, err := l.val.validate(l.net, l.cfg.Train.Batch)
	if err != nil {
		return err
	}
	for k, v := range m {
		l.row[k] = v
	}
	if err := l.tb.Histogram(step, "val/embedding_norm", nrm); err != nil {
		return err
	}
	l.valDesc = fmt.Sprintf(" | val acc %.3f eer %.3f", m["val_acc"], m["val_eer"])
	l.bar.Describe(fmt.Sprintf("step %d loss %.4f%s", step, l.summary.FinalLoss, l.valDesc))
	if l.lines {
		fmt.Fprintf(l.out, "step %d val_loss %.4f val_acc %.4f val_eer %.4f val_acc_cos %.4f val_eer_cos %.4f\n",
			step, m["val_loss"], m["val_acc"], m["val_eer"], m["val_acc_cos"], m["val_eer_cos"])
	}
	return nil
}

// validateMR is the clustering hook.
func (l *loop) validateMR(step int64) error {
	mr, mrZHAW, err := l.val.clusterMR(l.net, l.cfg.Train.Batch)
	if err != nil {
		return err
	}
	l.row["val_mr"], l.row["val_mr_zhaw"] = mr, mrZHAW
	if l.lines {
		fmt.Fprintf(l.out, "step %d val_mr %.4f val_mr_zhaw %.4f\n", step, mr, mrZHAW)
	}
	return nil
}
