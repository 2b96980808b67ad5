package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newClusterCommand() *cli.Command {
	return &cli.Command{
		Name:  "cluster",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("cluster: not built yet") },
	}
}
