package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Exit codes, the one place they are decided.
const (
	exitOK          = 0   // success
	exitFailure     = 1   // any other failure (I/O, TensorFlow, internal)
	exitUsage       = 2   // bad flags or arguments, invalid configuration
	exitData        = 3   // bad input data: corrupt or unreadable file, malformed list (named in the message)
	exitRejected    = 4   // verify/identify --exit-status: rejected, or no enrolled speaker above the threshold
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

// errRejected is the negative decision of verify and identify with
// --exit-status (exit 4).
var errRejected = errors.New("rejected (--exit-status)")

// usagef is errs.Usage: a usage error (exit 2).
func usagef(format string, a ...any) error { return errs.Usage(format, a...) }

// exitCode maps err to the exit status by its class (package errs); the CLI
// library's own errors are classed where the command tree is built
// (classifyCLIErrors).
func exitCode(ctx context.Context, err error) int {
	var exit cli.ExitCoder
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errs.ErrUsage):
		return exitUsage
	case errors.Is(err, errs.ErrBadData):
		return exitData
	case errors.Is(err, errRejected):
		return exitRejected
	case errors.As(err, &exit): // urfave/cli's help command ("No help topic"); voxsiam returns none
		return exitUsage
	}
	return exitFailure
}

// classifyCLIErrors makes the CLI library's errors usage errors (exit 2):
// flag parsing errors (printed with the command's help, as the library
// does) and missing required flags (checked in Before instead of by the
// library, which returns an unclassed error).
func classifyCLIErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		var required []string
		for _, f := range c.Flags {
			if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() {
				required = append(required, f.Names()[0])
				clearRequired(f)
			}
		}
		if len(required) > 0 {
			before := c.Before
			c.Before = func(ctx *cli.Context) error {
				for _, name := range required {
					if !ctx.IsSet(name) {
						return usagef("%s: required flag --%s not set", c.Name, name)
					}
				}
				if before != nil {
					return before(ctx)
				}
				return nil
			}
		}
		classifyCLIErrors(c.Subcommands)
	}
}

// onUsageError prints a flag parsing error with the command's help, as
// urfave/cli does without the hook, and returns it as a usage error.
func onUsageError(ctx *cli.Context, err error, isSubcommand bool) error {
	fmt.Fprintf(ctx.App.Writer, "Incorrect Usage: %v\n\n", err)
	if l := ctx.Lineage(); isSubcommand && len(l) > 1 && ctx.Command != nil {
		_ = cli.ShowCommandHelp(l[1], ctx.Command.Name)
	} else {
		_ = cli.ShowAppHelp(ctx)
	}
	return errs.AsUsage(err)
}

// clearRequired unsets a flag's Required field (every flag type has one).
func clearRequired(f cli.Flag) {
	if v := reflect.ValueOf(f); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if r := v.Elem().FieldByName("Required"); r.IsValid() && r.CanSet() {
			r.SetBool(false)
		}
	}
}
