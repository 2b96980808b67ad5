package train

// Hook runs after every Every-th completed step (gomlx's EveryNSteps), and
// once more after the run's last step, so a run of any length ends logged,
// validated and checkpointed.
type Hook struct {
	Name  string
	Every int64 // 0 disables the hook
	Fn    func(step int64) error
}

// EveryNSteps makes a hook calling fn after steps n, 2n, 3n, ...
func EveryNSteps(name string, n int64, fn func(step int64) error) Hook {
	return Hook{Name: name, Every: n, Fn: fn}
}

// due reports whether h runs after step (steps completed) of a run ending
// after step last.
func (h Hook) due(step, last int64) bool {
	return h.Every > 0 && (step%h.Every == 0 || step == last)
}

// runHooks runs the hooks due after step, in order.
func runHooks(hooks []Hook, step, last int64) error {
	for _, h := range hooks {
		if h.due(step, last) {
			if err := h.Fn(step); err != nil {
				return err
			}
		}
	}
	return nil
}
