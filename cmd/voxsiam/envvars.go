package main

import (
	"reflect"
	"strings"

	"github.com/urfave/cli/v2"
)

// scopeEnvVars gives every flag of every command (and subcommand) exactly one
// environment variable, prefix + COMMAND + "_" + FLAG in upper snake case:
// `voxsiam train --steps` reads VOXSIAM_TRAIN_STEPS, `voxsiam corpus synth
// --speakers` reads VOXSIAM_CORPUS_SYNTH_SPEAKERS. A variable set for one
// command therefore never changes another command's flag of the same name.
func scopeEnvVars(prefix string, cmds []*cli.Command) {
	for _, c := range cmds {
		p := prefix + envName(c.Name) + "_"
		for _, f := range c.Flags {
			v := reflect.ValueOf(f)
			if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
				continue
			}
			if ev := v.Elem().FieldByName("EnvVars"); ev.IsValid() && ev.CanSet() {
				ev.Set(reflect.ValueOf([]string{p + envName(f.Names()[0])}))
			}
		}
		scopeEnvVars(p, c.Subcommands)
	}
}

// envName turns a command or flag name into upper snake case ("intra-op" -> "INTRA_OP").
func envName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
