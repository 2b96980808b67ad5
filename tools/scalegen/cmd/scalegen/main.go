// Command scalegen writes a synthetic corpus for the scale harness
// (bench/scale.sh): an embeddings directory of N utterances by S speakers
// and, with -store, a feature store of the same utterances; with -trials, trial
// lists over them; with -shards K, the embeddings (and store) cut into K shards
// as `embed --shard`/`features --shard` would write them, for `voxsiam merge`,
// instead of whole.
//
//	go run ./tools/scalegen/cmd/scalegen -n 100000 -speakers 1000 -out /tmp/scale/100k
//	go run ./tools/scalegen/cmd/scalegen -n 100000 -speakers 1000 -out /tmp/scale/100k -embeddings=false -trials 1000000,10000000
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
	trials := flag.String("trials", "", "comma-separated trial counts: OUT/trials-COUNT.txt each (Kaldi layout)")
	targets := flag.Float64("target-fraction", 0.1, "trials: fraction of same-speaker trials")
	shards := flag.Int("shards", 0, "write OUT/shards/KKK/emb (and /store with -store) for K of this many shards instead of OUT/emb and OUT/store")
	flag.Parse()
	var counts []int
	for _, f := range strings.FieldsFunc(*trials, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "scalegen: -trials %q: want positive counts\n", *trials)
			os.Exit(2)
		}
		counts = append(counts, n)
	}
	if *out == "" || flag.NArg() > 0 || *shards < 0 {
		fmt.Fprintln(os.Stderr, "usage: scalegen -out DIR [-n N] [-speakers S] [-dim D] [-within W] [-store] [-trials N,...] [-shards K]")
		os.Exit(2)
	}
	c, err := scalegen.Generate(o)
	if err == nil && *shards == 0 {
		err = run(c, so, *out, *withEmb, *withStore)
	}
	for _, n := range counts {
		if err == nil {
			err = c.WriteTrials(filepath.Join(*out, fmt.Sprintf("trials-%d.txt", n)), n, *targets, o.Seed)
		}
	}
	for k := 0; k < *shards && err == nil; k++ {
		err = run(c.Shard(k, *shards), so, filepath.Join(*out, "shards", fmt.Sprintf("%03d", k)), *withEmb, *withStore)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(c *scalegen.Corpus, so scalegen.StoreOptions, out string, withEmb, withStore bool) error {
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
