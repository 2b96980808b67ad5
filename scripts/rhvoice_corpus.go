//go:build ignore

// rhvoice_corpus fetches RHVoice (non-free, through the private apt state
// of tools/realvoice; nothing installed) with its English and Russian voices
// and synthesizes a corpus with them: one base voice (split group) per
// person (slt joins the cmu-slt of flite and festival; aleksandr-hq and the
// two evgeniy voices join their namesakes).
//
//	go run scripts/rhvoice_corpus.go -list -cache /work/data/rhvoice.cache
//	go run scripts/rhvoice_corpus.go -cache /work/data/rhvoice.cache -out /work/data/rhvoice -utts 20
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/voxsiam/voxsiam/tools/synth"
)

func main() {
	cache := flag.String("cache", "", "download, unpack and private apt state directory (required)")
	out := flag.String("out", "", "corpus directory (must not exist)")
	list := flag.Bool("list", false, "list the voices with language, gender and licence, then stop")
	speakers := flag.Int("speakers", 0, "speakers (default: two per base voice)")
	utts := flag.Int("utts", 20, "utterances per speaker")
	seed := flag.Uint64("seed", 1, "seed")
	commercial := flag.Bool("commercial-only", false, "only voices whose licence allows commercial use")
	flag.Parse()
	if err := run(*cache, *out, *list, *speakers, *utts, *seed, *commercial); err != nil {
		fmt.Fprintln(os.Stderr, "rhvoice_corpus:", err)
		os.Exit(1)
	}
}

func run(cache, out string, list bool, speakers, utts int, seed uint64, commercial bool) error {
	ctx := context.Background()
	if cache == "" {
		return fmt.Errorf("-cache is required")
	}
	if err := synth.FetchRHVoice(ctx, cache, synth.RHVoiceLanguages); err != nil {
		return err
	}
	vs, err := synth.RHVoiceVoices()
	if err != nil {
		return err
	}
	bases := synth.RHVoiceBaseVoices(vs, commercial)
	if list {
		for _, v := range vs {
			fmt.Printf("%s\t%s\t%s\t%s\tcommercial=%v\t%s\n", v.Name, v.Person, v.Language, v.Gender, v.Commercial(), v.Licence)
		}
		fmt.Printf("# %d voices, %d base voices read English or Russian\n", len(vs), len(bases))
		return nil
	}
	if out == "" {
		return fmt.Errorf("need -out")
	}
	if speakers <= 0 {
		speakers = 2 * len(bases)
	}
	res, err := synth.GenerateRHVoice(ctx, synth.Options{Speakers: speakers, Utterances: utts, Out: out, Seed: seed,
		Workers: 2, Log: os.Stderr}, commercial)
	if err != nil {
		return err
	}
	fmt.Printf("corpus %s: %d speakers over %d base voices, %d utterances, %.2f h, %d replaced, %d skipped\n",
		out, len(res.Speakers), res.BaseVoices, len(res.Utts), res.Seconds/3600, len(res.Replaced), len(res.Skipped))
	return nil
}
