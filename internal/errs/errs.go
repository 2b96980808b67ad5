// Package errs holds the error classes the voxsiam CLI maps to exit codes.
// Packages wrap ErrBadData (with %w, beside their own context naming the file
// and the defect) when input data is at fault; the CLI then exits with 3.
package errs

import (
	"errors"
	"fmt"
)

// ErrBadData marks defects of input data: corrupt or truncated audio, bad
// headers, malformed lists or manifests.
var ErrBadData = errors.New("bad input data")

// BadData returns an error that wraps ErrBadData with a formatted message,
// e.g. errs.BadData("audio: %s: truncated data chunk (%d of %d bytes)", path, n, want).
func BadData(format string, a ...any) error {
	return &badData{msg: fmt.Sprintf(format, a...)}
}

type badData struct{ msg string }

func (e *badData) Error() string        { return e.msg }
func (e *badData) Is(target error) bool { return target == ErrBadData }
