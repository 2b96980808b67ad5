package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newFeaturesCommand() *cli.Command {
	return &cli.Command{
		Name:  "features",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("features: not built yet") },
	}
}
