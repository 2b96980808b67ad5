package train

import (
	"errors"
	"slices"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestTowerBlocks: rows per tower as the graph's split (towerRows) gives
// them: ceil(n/k) for the first towers, the remainder, then 0.
func TestTowerBlocks(t *testing.T) {
	for _, c := range []struct {
		n, k int
		want []int
	}{
		{8, 2, []int{4, 4}}, {5, 2, []int{3, 2}}, {1, 2, []int{1, 0}}, {3, 4, []int{1, 1, 1, 0}}, {5, 4, []int{2, 2, 1, 0}}, {0, 2, []int{0, 0}},
	} {
		if got := towerBlocks(c.n, c.k); !slices.Equal(got, c.want) {
			t.Errorf("towerBlocks(%d, %d) = %v, want %v", c.n, c.k, got, c.want)
		}
	}
}

// TestWorkerInput: worker_store applies to runs with towers (a cluster,
// or local_devices > 1) and refuses SpecAugment there (a usage error).
func TestWorkerInput(t *testing.T) {
	for _, c := range []struct {
		name           string
		store          string
		local          int
		cluster, spec  bool
		want, usageErr bool
	}{
		{"off", "", 2, true, false, false, false},
		{"cluster", "same", 1, true, false, true, false},
		{"local towers", "/feats", 2, false, false, true, false},
		{"one tower in one process", "/feats", 1, false, true, false, false},
		{"spec-augment", "same", 1, true, true, false, true},
	} {
		cfg := DefaultConfig()
		cfg.Train.WorkerStore, cfg.Train.LocalDevices, cfg.Train.SpecAugment.Enabled = c.store, c.local, c.spec
		got, err := cfg.WorkerInput(c.cluster)
		if got != c.want || (err != nil) != c.usageErr || (err != nil && !errors.Is(err, errs.ErrUsage)) {
			t.Errorf("%s: %v, %v; want %v, usage error %v", c.name, got, err, c.want, c.usageErr)
		}
	}
}
