package graph

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// ParseDevice reads the --device value of voxsiam train and embed, one
// form for both: "" (or "auto") for TensorFlow's own placement, "cpu", or
// "gpu:N" (N >= 0), in any letter case. It returns "", "cpu" or "gpu" and
// N; any other value is a usage error (errs.ErrUsage).
func ParseDevice(s string) (kind string, index int, err error) {
	d := strings.ToLower(strings.TrimSpace(s))
	switch {
	case d == "" || d == "auto":
		return "", 0, nil
	case d == "cpu":
		return "cpu", 0, nil
	case strings.HasPrefix(d, "gpu:"):
		if n, err := strconv.Atoi(d[len("gpu:"):]); err == nil && n >= 0 {
			return "gpu", n, nil
		}
	}
	return "", 0, errs.Usage("--device %q: want cpu or gpu:N (N >= 0), or nothing for TensorFlow's placement", s)
}

// DeviceName is the TensorFlow device of a --device value, for
// Config.Device: "/device:CPU:0", "/device:GPU:N" or "".
func DeviceName(s string) (string, error) {
	kind, n, err := ParseDevice(s)
	switch {
	case err != nil || kind == "":
		return "", err
	case kind == "cpu":
		return "/device:CPU:0", nil
	}
	return "/device:GPU:" + strconv.Itoa(n), nil
}

// TowerDevices names the devices of n towers on one task (BuildTowers):
// task is the task's device prefix ("/job:worker/replica:0/task:1", or ""
// for this process) and device one local device, "/device:GPU:K" or
// "/device:CPU:K" (DeviceName's forms); the towers take devices K..K+n-1
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
