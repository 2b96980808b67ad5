package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newSplitCommand() *cli.Command {
	return &cli.Command{
		Name:  "split",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("split: not built yet") },
	}
}
