// Command voxsiam trains siamese BLSTM speaker-embedding networks with the
// pairwise KL loss, extracts embeddings, clusters speakers, evaluates, and
// exports TensorFlow SavedModels. Each subcommand lives in cmd_<verb>.go;
// this file only wires them and maps errors to exit codes (exit.go).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	// Keeps libtensorflow's start-up log lines off stderr (--verbose or
	// VOXSIAM_VERBOSE=1 brings them back); it acts before main runs.
	_ "github.com/voxsiam/voxsiam/internal/tfquiet"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "voxsiam",
		Usage:     "siamese BLSTM speaker embeddings with the pairwise KL loss, on TensorFlow",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands:  commands(),
		Flags: []cli.Flag{&cli.BoolFlag{Name: "verbose", EnvVars: []string{"VOXSIAM_VERBOSE"},
			Usage: "show TensorFlow's own log lines (start-up notices, INFO and WARNING messages); give it before the command"}},
		EnableBashCompletion:  true,
		ExitErrHandler:        func(*cli.Context, error) {}, // exit codes are mapped in main
		OnUsageError:          onUsageError,
		CustomAppHelpTemplate: cli.AppHelpTemplate + exitStatusHelp,
	}
}

// commands lists the subcommands by category, each flag reading the
// environment variable VOXSIAM_<COMMAND>_<FLAG> (see scopeEnvVars).
func commands() []*cli.Command {
	var all []*cli.Command
	add := func(category string, cmds ...*cli.Command) {
		for _, c := range cmds {
			c.Category = category
			all = append(all, c)
		}
	}
	add("data", newCorpusCommand(), newAugmentCommand(), newFeaturesCommand(), newSplitCommand(), newMergeCommand())
	add("model", newTrainCommand(), newPlotCommand(), newExportCommand(), newEmbedCommand(), newServerCommand())
	add("evaluation", newBaselineCommand(), newClusterCommand(), newScoreCommand(), newEvalCommand())
	add("answers", newVerifyCommand(), newCalibrateCommand(), newEnrollCommand(), newIdentifyCommand(), newDiarizeCommand())
	scopeEnvVars("VOXSIAM_", all)
	classifyCLIErrors(all)
	return all
}

// workersFlag is the --workers flag of every command: 0 (the default) is
// one per core, the rule of ordered.Workers that the libraries apply.
func workersFlag(usage, category string, dst *int) cli.Flag {
	return &cli.IntFlag{Name: "workers", Usage: usage + " (0 = one per core)", Category: category, Destination: dst}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newApp(os.Stdout, os.Stderr).RunContext(ctx, os.Args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "voxsiam:", err)
	}
	os.Exit(exitCode(ctx, err))
}
