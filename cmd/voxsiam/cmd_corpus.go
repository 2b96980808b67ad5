package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the issue that owns this subcommand.
func newCorpusCommand() *cli.Command {
	return &cli.Command{
		Name:  "corpus",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error { return fmt.Errorf("corpus: not built yet") },
	}
}
