package spec

import (
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
