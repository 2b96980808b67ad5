package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newEmbedCommand() *cli.Command {
	return &cli.Command{
		Name:  "embed",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("embed: not built yet") },
	}
}
