package spec

import (
	"errors"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestParseDevice: the one --device form of train and embed; other words
// are usage errors.
func TestParseDevice(t *testing.T) {
	for _, c := range []struct {
		in, name string
		usage    bool
	}{
		{"", "", false}, {"auto", "", false}, {"cpu", "/device:CPU:0", false}, {"CPU", "/device:CPU:0", false},
		{"gpu:0", "/device:GPU:0", false}, {"GPU:3", "/device:GPU:3", false},
		{"/device:GPU:0", "", true}, {"gpu", "", true}, {"gpu:-1", "", true}, {"gpu:x", "", true}, {"tpu", "", true},
	} {
		t.Run(c.in, func(t *testing.T) {
			name, err := DeviceName(c.in)
			if name != c.name || (err != nil) != c.usage || (err != nil && !errors.Is(err, errs.ErrUsage)) {
				t.Errorf("DeviceName(%q) = %q, %v; want %q, usage error %v", c.in, name, err, c.name, c.usage)
			}
		})
	}
}
