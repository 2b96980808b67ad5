package main

import (
	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/shard"
)

// shardFlag is the --shard flag of features and embed.
func shardFlag(category string) cli.Flag {
	return &cli.StringFlag{Name: "shard", Usage: "process only shard `K/N` of the utterances (0 <= K < N; by a hash of the utterance id; " +
		"join the N outputs with `voxsiam merge`)", Category: category}
}

// shardSpec parses --shard for command cmd (a usage error names the flag).
func shardSpec(cmd, s string) (shard.Spec, error) {
	sp, err := shard.Parse(s)
	if err != nil {
		return sp, usagef("%s: --shard: %v", cmd, err)
	}
	return sp, nil
}

// shardNote is the text-output suffix naming the shard, "" without one.
func shardNote(sp shard.Spec) string {
	if sp.N == 0 {
		return ""
	}
	return " (shard " + sp.String() + ")"
}
