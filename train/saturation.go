package train

import (
	"errors"
	"fmt"
	"math"
)

// deadSteps is how many consecutive steps with a zero gradient and a
// nonzero loss end a run as saturated. A network whose units saturated
// (the softmax one-hot, the LSTM gates pinned) returns exactly zero
// gradients: Adam's updates then decay to nothing and every later step
// only repeats the same loss, so stopping loses no progress. 100 steps is
// two log windows of scripts/model.toml: long enough that a batch or two
// whose hinge terms all happen to be inactive cannot trigger it.
const deadSteps = 100

// liveLoss is the loss below which a zero gradient means convergence (every
// pair past its margin), not saturation.
const liveLoss = 1e-6

// deadWatch counts the consecutive steps whose gradient vanished while
// the loss did not.
type deadWatch struct {
	run  int     // consecutive dead steps so far
	loss float64 // loss of the first of them
}

// observe feeds one step's loss and global gradient norm. It returns an
// error once deadSteps steps in a row had a zero gradient and a loss of at
// least liveLoss; step is the steps completed, for the message.
func (d *deadWatch) observe(step int64, loss, gradNorm float64) error {
	if gradNorm != 0 || loss < liveLoss {
		d.run = 0
		return nil
	}
	if d.run == 0 {
		d.loss = loss
	}
	d.run++
	if d.run < deadSteps {
		return nil
	}
	return fmt.Errorf("train: step %d: the network saturated: the gradient norm has been 0 for %d steps "+
		"while the loss stayed at %.4g (it was %.4g when it stopped moving), so no later step can change it; "+
		"the training diverged: train again from an earlier checkpoint or from scratch with a lower "+
		"[model] learning_rate or with [model] clip_norm (or --clip-norm), e.g. 5",
		step, d.run, loss, d.loss)
}

// saturated adds to err, raised at step (steps completed), where the run's
// checkpoints stand: the ones written at or after the first dead step hold
// the saturated network, and `train --resume` from them would only repeat it.
func (l *loop) saturated(err error, step int64) error {
	before := step - int64(l.dead.run) // steps completed before the first dead step
	msg := fmt.Sprintf("%v; checkpoints from step %d on hold the saturated network", err, before+1)
	var kept int64 // the last checkpoint before it still on disk (pruning keeps [train] keep)
	if steps, serr := l.ckpt.steps(); serr == nil {
		for _, s := range steps {
			if s <= before {
				kept = max(kept, s)
			}
		}
	}
	if kept > 0 {
		msg += fmt.Sprintf(", the last kept before it is step %d", kept)
	} else {
		msg += ", none of the kept ones predates it"
	}
	if !math.IsNaN(l.best.value) && l.best.step <= before {
		msg += fmt.Sprintf(", the best by %s is step %d (%.4g)", l.best.metric, l.best.step, l.best.value)
	}
	return errors.New(msg + " (" + l.run + ")")
}
