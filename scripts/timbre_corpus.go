//go:build ignore

// timbre_corpus synthesizes a corpus with voices built from recordings of
// real people, from Debian non-free (fetched through the private apt state
// of tools/realvoice and unpacked into -cache; nothing installed):
//
//	-engine mbrola   espeak-ng's mb-* voices on the MBROLA diphone databases
//	                 that a sentence generator can feed; base voice (split
//	                 group) = database = recorded person
//	-engine rhvoice  RHVoice's English and Russian voices; base voice = person
//	                 (slt joins cmu-slt of flite/festival; aleksandr-hq and the
//	                 two evgeniy voices join their namesakes)
//
//	go run scripts/timbre_corpus.go -engine mbrola -list -cache /work/data/mbrola.cache
//	go run scripts/timbre_corpus.go -engine mbrola -cache /work/data/mbrola.cache -out /work/data/mbrola -utts 20
//	go run scripts/timbre_corpus.go -engine rhvoice -cache /work/data/rhvoice.cache -out /work/data/rhvoice -utts 20
//
// Every voice's licence goes to <out>/<engine>_voices.tsv (docs/data.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/voxsiam/voxsiam/tools/synth"
)

func main() {
	engine := flag.String("engine", "", "mbrola or rhvoice (required)")
	cache := flag.String("cache", "", "download, unpack and private apt state directory (required)")
	out := flag.String("out", "", "corpus directory (must not exist)")
	list := flag.Bool("list", false, "list the voices with language, sex and licence, then stop")
	speakers := flag.Int("speakers", 0, "speakers (default: two per base voice)")
	utts := flag.Int("utts", 20, "utterances per speaker")
	seed := flag.Uint64("seed", 1, "seed")
	commercial := flag.Bool("commercial-only", false, "rhvoice: only voices whose licence allows commercial use")
	flag.Parse()
	opts := synth.Options{Speakers: *speakers, Utterances: *utts, Out: *out, Seed: *seed, Workers: 2, Log: os.Stderr}
	err := fmt.Errorf("-engine must be mbrola or rhvoice; -cache and (without -list) -out are required")
	if *cache != "" && (*list || *out != "") {
		switch *engine {
		case synth.Mbrola:
			err = mbrola(*cache, *list, opts)
		case synth.RHVoice:
			err = rhvoice(*cache, *list, *commercial, opts)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "timbre_corpus:", err)
		os.Exit(1)
	}
}

func mbrola(cache string, list bool, opts synth.Options) error {
	ctx := context.Background()
	all, err := synth.ListMbrola(ctx, cache)
	if err != nil {
		return err
	}
	dbs, err := synth.MbrolaReadable(all)
	if err != nil {
		return err
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
	if err := synth.FetchMbrola(ctx, cache, dbs); err != nil {
		return err
	}
	if opts.Speakers <= 0 {
		opts.Speakers = 2 * len(dbs)
	}
	return report(synth.GenerateMbrola(ctx, opts, dbs))
}

func rhvoice(cache string, list, commercial bool, opts synth.Options) error {
	ctx := context.Background()
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
	if opts.Speakers <= 0 {
		opts.Speakers = 2 * len(bases)
	}
	return report(synth.GenerateRHVoice(ctx, opts, commercial))
}

func report(res *synth.Result, err error) error {
	if err != nil {
		return err
	}
	fmt.Printf("corpus: %d speakers over %d base voices, %d utterances, %.2f h, %d replaced, %d skipped\n",
		len(res.Speakers), res.BaseVoices, len(res.Utts), res.Seconds/3600, len(res.Replaced), len(res.Skipped))
	return nil
}
