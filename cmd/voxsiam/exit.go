package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Exit codes, the one place they are decided.
const (
	exitOK          = 0   // success
	exitFailure     = 1   // any other failure (I/O, TensorFlow, internal)
	exitUsage       = 2   // bad flags or arguments, invalid configuration
	exitData        = 3   // bad input data: corrupt or unreadable file, malformed list (named in the message)
	exitInterrupted = 130 // SIGINT/SIGTERM; training writes a checkpoint first
)

const exitStatusHelp = `
EXIT STATUS:
   0    success
   1    failure (I/O, TensorFlow, internal error)
   2    usage error: bad flags, arguments or configuration
   3    bad input data (the message names the file and the problem)
   130  interrupted (SIGINT/SIGTERM); training saves a checkpoint before it exits
`

// usageError marks err as a usage error (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// dataError marks err as bad input data (exit 3).
type dataError struct{ err error }

func (e dataError) Error() string { return e.err.Error() }
func (e dataError) Unwrap() error { return e.err }

func exitCode(ctx context.Context, err error) int {
	var u usageError
	var d dataError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &d), errors.Is(err, errs.ErrBadData):
		return exitData
	}
	if isCLIUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// isCLIUsage recognises urfave/cli's own flag and argument errors.
func isCLIUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"flag provided but not defined", "Required flag", "invalid value", "invalid boolean", "flag needs an argument", "No help topic", "Required flags"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
