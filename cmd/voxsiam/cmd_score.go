package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newScoreCommand() *cli.Command {
	return &cli.Command{
		Name:  "score",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("score: not built yet") },
	}
}
