package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newTrainCommand() *cli.Command {
	return &cli.Command{
		Name:  "train",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("train: not built yet") },
	}
}
