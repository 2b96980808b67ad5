package train

import "testing"

// TestHookDue checks the schedule of a hook: every n steps and after the last.
func TestHookDue(t *testing.T) {
	h := EveryNSteps("x", 100, nil)
	for _, c := range []struct {
		step, last int64
		want       bool
	}{
		{100, 1000, true}, {150, 1000, false}, {1000, 1000, true},
		{60, 60, true}, {59, 60, false}, {0, 60, true},
	} {
		if got := h.due(c.step, c.last); got != c.want {
			t.Errorf("due(%d, last %d) = %v, want %v", c.step, c.last, got, c.want)
		}
	}
	if (Hook{Every: 0}).due(60, 60) {
		t.Errorf("a disabled hook ran after the last step")
	}
}
