package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestEnvVarsScoped checks that every flag reads one environment variable
// named after its command and flag, and that no two flags share one.
func TestEnvVarsScoped(t *testing.T) {
	seen := map[string]string{}
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := path + envName(c.Name) + "_"
			for _, f := range c.Flags {
				ev := reflect.ValueOf(f).Elem().FieldByName("EnvVars")
				if !ev.IsValid() {
					t.Errorf("%s --%s: flag type %T has no EnvVars", c.Name, f.Names()[0], f)
					continue
				}
				vars := ev.Interface().([]string)
				want := p + envName(f.Names()[0])
				if len(vars) != 1 || vars[0] != want {
					t.Errorf("%s --%s: env vars %v, want [%s]", c.Name, f.Names()[0], vars, want)
				}
				for _, v := range vars {
					if other, dup := seen[v]; dup {
						t.Errorf("%s used by %s and %s", v, other, c.Name)
					}
					seen[v] = c.Name
				}
			}
			walk(p, c.Subcommands)
		}
	}
	walk("VOXSIAM_", commands())
	if _, ok := seen["VOXSIAM_TRAIN_STEPS"]; !ok {
		t.Errorf("VOXSIAM_TRAIN_STEPS missing; have %d variables", len(seen))
	}
	if _, ok := seen["VOXSIAM_CORPUS_SYNTH_SPEAKERS"]; !ok {
		t.Errorf("VOXSIAM_CORPUS_SYNTH_SPEAKERS missing")
	}
	if !strings.HasPrefix(exitStatusHelp, "\nEXIT STATUS") {
		t.Errorf("exit status help text changed")
	}
}
