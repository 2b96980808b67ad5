//go:build ignore

// mbrola_corpus lists the MBROLA voices the Debian archive offers (through
// the private apt state of tools/realvoice: contrib and non-free, the
// system's apt configuration untouched), fetches the ones espeak-ng can
// read sentences with, and synthesizes a corpus with them: one base voice
// (split group) per MBROLA database, i.e. per recorded person.
//
//	go run scripts/mbrola_corpus.go -list -cache /work/data/mbrola.cache
//	go run scripts/mbrola_corpus.go -cache /work/data/mbrola.cache -out /work/data/mbrola -speakers 42 -utts 20
//
// The hook that would make `voxsiam corpus synth --engines mbrola` do the
// same is described in docs/data.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/voxsiam/voxsiam/tools/synth"
)

func main() {
	cache := flag.String("cache", "", "download, unpack and private apt state directory (required)")
	out := flag.String("out", "", "corpus directory (must not exist)")
	list := flag.Bool("list", false, "list the MBROLA voice packages and which espeak-ng can read with, then stop")
	speakers := flag.Int("speakers", 0, "speakers (default: two per database)")
	utts := flag.Int("utts", 20, "utterances per speaker")
	seed := flag.Uint64("seed", 1, "seed")
	only := flag.String("dbs", "", "comma-separated databases (default: every readable one)")
	flag.Parse()
	if err := run(*cache, *out, *list, *speakers, *utts, *seed, *only); err != nil {
		fmt.Fprintln(os.Stderr, "mbrola_corpus:", err)
		os.Exit(1)
	}
}

func run(cache, out string, list bool, speakers, utts int, seed uint64, only string) error {
	ctx := context.Background()
	if cache == "" {
		return fmt.Errorf("-cache is required")
	}
	all, err := synth.ListMbrola(ctx, cache)
	if err != nil {
		return err
	}
	dbs, err := synth.MbrolaReadable(all)
	if err != nil {
		return err
	}
	if only != "" {
		want := map[string]bool{}
		for _, d := range strings.Split(only, ",") {
			want[strings.TrimSpace(d)] = true
		}
		var keep []synth.MbrolaDB
		for _, d := range dbs {
			if want[d.DB] {
				keep = append(keep, d)
			}
		}
		dbs = keep
	}
	if list {
		read := map[string]bool{}
		for _, d := range dbs {
			read[d.DB] = true
		}
		sex := map[string]int{}
		for _, d := range all {
			sex[d.Sex]++
			fmt.Printf("%s\t%s\t%s\t%s\treadable=%v\n", d.DB, d.Package, d.Lang, d.Sex, read[d.DB])
		}
		fmt.Printf("# %d databases (%d male, %d female); %d readable with a sentence generator\n", len(all), sex["male"], sex["female"], len(dbs))
		return nil
	}
	if out == "" || len(dbs) == 0 {
		return fmt.Errorf("need -out and at least one readable database")
	}
	if err := synth.FetchMbrola(ctx, cache, dbs); err != nil {
		return err
	}
	if speakers <= 0 {
		speakers = 2 * len(dbs)
	}
	res, err := synth.GenerateMbrola(ctx, synth.Options{Speakers: speakers, Utterances: utts, Out: out, Seed: seed,
		Workers: 2, Log: os.Stderr}, dbs)
	if err != nil {
		return err
	}
	fmt.Printf("corpus %s: %d speakers over %d databases, %d utterances, %.2f h, %d replaced, %d skipped\n",
		out, len(res.Speakers), res.BaseVoices, len(res.Utts), res.Seconds/3600, len(res.Replaced), len(res.Skipped))
	return nil
}
