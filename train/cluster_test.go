package train

import (
	"slices"
	"testing"

	"github.com/voxsiam/voxsiam/internal/tfserver"
)

// TestClusterTowers: the tower devices of a cluster run, n per worker task
// on devices of [model] device's type; no device means each worker's CPU.
func TestClusterTowers(t *testing.T) {
	workers := []tfserver.Task{{Type: "worker", Index: 0}, {Type: "worker", Index: 1}}
	for _, c := range []struct {
		name, device string
		n            int
		want         []string
	}{
		{"default", "", 1, []string{"/job:worker/replica:0/task:0/device:CPU:0", "/job:worker/replica:0/task:1/device:CPU:0"}},
		{"two gpus per worker", "/device:GPU:0", 2, []string{
			"/job:worker/replica:0/task:0/device:GPU:0", "/job:worker/replica:0/task:0/device:GPU:1",
			"/job:worker/replica:0/task:1/device:GPU:0", "/job:worker/replica:0/task:1/device:GPU:1"}},
		{"two cpus per worker", "/device:CPU:0", 2, []string{
			"/job:worker/replica:0/task:0/device:CPU:0", "/job:worker/replica:0/task:0/device:CPU:1",
			"/job:worker/replica:0/task:1/device:CPU:0", "/job:worker/replica:0/task:1/device:CPU:1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := clusterTowers(workers, c.device, c.n)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("clusterTowers(%q, %d) = %q, %v; want %q", c.device, c.n, got, err, c.want)
			}
		})
	}
}
