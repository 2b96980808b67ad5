package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// TowerDevices names the devices of n towers on one task (BuildTowers):
// task is the task's device prefix ("/job:worker/replica:0/task:1", or ""
// for this process) and device one local device, "/device:GPU:K" or
// "/device:CPU:K" (spec.DeviceName's forms); the towers take devices K..K+n-1
// of that type: "/job:worker/replica:0/task:1/device:GPU:0", ...:GPU:1.
// A device without a type and index ("" or another form) is an error: the
// towers need to know which devices to use.
func TowerDevices(task, device string, n int) ([]string, error) {
	typ, idx, ok := strings.Cut(strings.TrimPrefix(device, "/device:"), ":")
	k, err := strconv.Atoi(idx)
	if !ok || err != nil || k < 0 || !strings.HasPrefix(device, "/device:") || (typ != "CPU" && typ != "GPU") {
		return nil, fmt.Errorf("graph: tower devices: device %q: want /device:CPU:K or /device:GPU:K", device)
	}
	if n < 1 {
		return nil, fmt.Errorf("graph: tower devices: %d towers, need at least 1", n)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s/device:%s:%d", task, typ, k+i)
	}
	return out, nil
}
