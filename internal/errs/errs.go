// Package errs holds the two error classes the voxsiam CLI maps to exit
// codes; every other error exits with 1. It is the one classification
// mechanism: packages wrap ErrUsage (bad arguments, options or
// configuration: a flag or setting out of range, an unknown enum string)
// or ErrBadData (defects of input data, beside their own context naming
// the file and the defect), and the CLI exits with 2 or 3. Flag-parsing
// errors of the CLI library are wrapped as usage errors where the command
// tree is built (cmd/voxsiam/exit.go).
package errs

import (
	"errors"
	"fmt"
)

// ErrUsage marks bad arguments: flags, options or configuration values that
// are missing, out of range or not one of the accepted words.
var ErrUsage = errors.New("usage error")

// ErrBadData marks defects of input data: corrupt or truncated audio, bad
// headers, malformed lists or manifests.
var ErrBadData = errors.New("bad input data")

// Usage returns an error that wraps ErrUsage with a formatted message
// (%w in format wraps as fmt.Errorf does), e.g.
// errs.Usage("embed: --pooling %q: want mean, weighted or none", p).
func Usage(format string, a ...any) error {
	return &classed{err: fmt.Errorf(format, a...), class: ErrUsage}
}

// BadData returns an error that wraps ErrBadData with a formatted message
// (%w in format wraps as fmt.Errorf does), e.g.
// errs.BadData("audio: %s: truncated data chunk (%d of %d bytes)", path, n, want).
func BadData(format string, a ...any) error {
	return &classed{err: fmt.Errorf(format, a...), class: ErrBadData}
}

// AsUsage marks err as a usage error (nil stays nil).
func AsUsage(err error) error {
	if err == nil {
		return nil
	}
	return &classed{err: err, class: ErrUsage}
}

// AsBadData marks err as bad input data (nil stays nil).
func AsBadData(err error) error {
	if err == nil {
		return nil
	}
	return &classed{err: err, class: ErrBadData}
}

type classed struct {
	err   error
	class error
}

func (e *classed) Error() string        { return e.err.Error() }
func (e *classed) Unwrap() error        { return e.err }
func (e *classed) Is(target error) bool { return target == e.class }
