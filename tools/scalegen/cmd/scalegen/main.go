// Command scalegen writes a synthetic corpus for the scale harness
// (bench/scale.sh): an embeddings directory of N utterances by S speakers
// and, with -store, a feature store of the same utterances.
//
//	go run ./tools/scalegen/cmd/scalegen -n 100000 -speakers 1000 -out /tmp/scale/100k
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/tools/scalegen"
)

func main() {
	var o scalegen.Options
	var so scalegen.StoreOptions
	flag.IntVar(&o.Utterances, "n", 10000, "utterances")
	flag.IntVar(&o.Speakers, "speakers", 100, "speakers")
	flag.IntVar(&o.Dim, "dim", 512, "embedding dimension")
	flag.Float64Var(&o.Within, "within", 0.6, "within-speaker noise (total standard deviation; speaker means are unit vectors)")
	flag.Float64Var(&o.Imbalance, "imbalance", 0.5, "standard deviation of log utterance counts per speaker")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed")
	out := flag.String("out", "", "output directory: embeddings in OUT/emb, the store in OUT/store")
	withStore := flag.Bool("store", false, "write a feature store")
	withEmb := flag.Bool("embeddings", true, "write the embeddings directory")
	flag.IntVar(&so.Frames, "frames", 100, "store: frames per utterance")
	flag.BoolVar(&so.Float16, "float16", true, "store: float16 frames")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: scalegen -out DIR [-n N] [-speakers S] [-dim D] [-within W] [-store]")
		os.Exit(2)
	}
	if err := run(o, so, *out, *withEmb, *withStore); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(o scalegen.Options, so scalegen.StoreOptions, out string, withEmb, withStore bool) error {
	c, err := scalegen.Generate(o)
	if err != nil {
		return err
	}
	if withEmb {
		if err := c.WriteEmbeddings(filepath.Join(out, "emb")); err != nil {
			return err
		}
	}
	if withStore {
		so.Restart = true
		return c.WriteStore(filepath.Join(out, "store"), so)
	}
	return nil
}
