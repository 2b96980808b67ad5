package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newExportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("export: not built yet") },
	}
}
