package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrors: unknown words, bad flags and missing required flags exit
// with 2 through the one classification (package errs), never a panic, and
// the message names the flag or word.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown flag", []string{"split", "--bogus"}, "bogus"},
		{"bad int", []string{"split", "--store", dir, "--out", out, "--val", "x"}, "val"},
		{"missing required flag", []string{"split", "--out", out}, "--store"},
		{"no help topic", []string{"help", "nosuchcommand"}, "nosuchcommand"},
		{"train device, TensorFlow form", []string{"train", "--data", dir, "--out", out, "--device", "/device:GPU:0"}, "--device"},
		{"train unknown loss", []string{"train", "--data", dir, "--out", out, "--loss", "triplet"}, "triplet"},
		{"embed unknown device", []string{"embed", "--in", dir, "--out", out, "--device", "tpu"}, "tpu"},
		{"embed unknown pooling", []string{"embed", "--in", dir, "--out", out, "--pooling", "max"}, "max"},
		{"embed unknown short", []string{"embed", "--in", dir, "--out", out, "--short", "trim"}, "trim"},
		{"features unknown layout", []string{"features", "--in", dir, "--out", out, "--layout", "wsj"}, "wsj"},
		{"cluster without a cut", []string{"cluster", "--embeddings", dir}, "exactly one"},
		{"export bad precision", []string{"export", "--run", dir, "--out", out, "--precision", "fp16"}, "fp16"},
		{"export not a run", []string{"export", "--run", dir, "--out", out}, "not a run directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var so, se bytes.Buffer
			err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam"}, c.args...))
			if code := exitCode(context.Background(), err); code != exitUsage || err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("%v: exit %d, err %v; want exit %d naming %q", c.args, code, err, exitUsage, c.msg)
			}
		})
	}
}
