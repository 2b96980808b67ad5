package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newPlotCommand() *cli.Command {
	return &cli.Command{
		Name:  "plot",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("plot: not built yet") },
	}
}
