package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newEvalCommand() *cli.Command {
	return &cli.Command{
		Name:  "eval",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("eval: not built yet") },
	}
}
