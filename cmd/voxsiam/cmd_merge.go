package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
)

// mergeOptions are the flags and arguments of `voxsiam merge`.
type mergeOptions struct {
	Out     string
	In      []string // shard directories: all feature stores or all embeddings directories
	Restart bool     // replace an existing store at Out
}

func newMergeCommand() *cli.Command {
	o := &mergeOptions{}
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the shards of `features --shard` or `embed --shard` into one store or embeddings directory",
		UsageText: "voxsiam merge --out <dir> <shard dir> <shard dir> ...",
		Description: `Joins feature stores (frames.npy + manifest.tsv) or embeddings directories
(embeddings.npy + utt.list, or an scp/ark) written by the jobs of a sharded run, in utterance-id
order. For a corpus directory (and for a store written by 'voxsiam features') that is the order of
the unsharded run, so the N merged shards equal it byte for byte. The inputs must agree (feature
settings, dtype, n_mels; embedding width, distributions, speakers, output files); an utterance in
two inputs is an error naming both. A store is written through <out>.partial; --restart replaces
an existing store.
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Required: true, Usage: "merged store or embeddings `DIR`", Destination: &o.Out},
			&cli.BoolFlag{Name: "restart", Usage: "replace an existing merged store", Destination: &o.Restart},
		},
		Action: func(c *cli.Context) error {
			o.In = c.Args().Slice()
			return runMerge(c.Context, o, c.App.Writer)
		},
	}
}

func runMerge(ctx context.Context, o *mergeOptions, w io.Writer) error {
	if len(o.In) == 0 {
		return usagef("merge: give the shard directories as arguments")
	}
	kind, err := shardKind(o.In)
	if err != nil {
		return err
	}
	switch kind {
	case "store":
		err = store.Merge(ctx, o.Out, o.In, store.MergeOptions{Restart: o.Restart})
		if errors.Is(err, store.ErrExists) {
			return usagef("merge: %v", err)
		}
	default:
		err = vecio.MergeDirs(o.Out, o.In)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "merged %d %s shards into %s\n", len(o.In), kind, o.Out)
	return nil
}

// shardKind tells whether every directory of dirs is a feature store
// ("store") or an embeddings directory ("embeddings").
func shardKind(dirs []string) (string, error) {
	kindOf := func(d string) string {
		has := func(f string) bool { _, err := os.Stat(filepath.Join(d, f)); return err == nil }
		switch {
		case has(store.ManifestFile):
			return "store"
		case has(vecio.EmbeddingsFile), has(vecio.ScpFile), has(vecio.ArkFile):
			return "embeddings"
		}
		return ""
	}
	first := kindOf(dirs[0])
	for _, d := range dirs {
		k := kindOf(d)
		if k == "" {
			return "", usagef("merge: %s is neither a feature store (%s) nor an embeddings directory (%s)", d, store.ManifestFile, vecio.EmbeddingsFile)
		}
		if k != first {
			return "", usagef("merge: %s is a %s, %s a %s: merge stores with stores, embeddings with embeddings", d, k, dirs[0], first)
		}
	}
	return first, nil
}
