package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/tools/realvoice"
)

// corpusRealOptions are the flags of `voxsiam corpus real`.
type corpusRealOptions struct {
	Out     string
	Cache   string
	Sources []string
	Strict  bool
	JSON    bool
	// CommercialOnly refuses non-commercial sources (uqm).
	CommercialOnly bool
	// SystemApt downloads with the machine's own apt state (main only)
	// instead of the private one under <cache>/apt; AptUpdate refreshes the
	// private lists.
	SystemApt, AptUpdate bool
	Stderr               io.Writer
}

func newCorpusRealCommand() *cli.Command {
	const cat = "corpus"
	var known []string
	for _, s := range realvoice.Sources {
		known = append(known, fmt.Sprintf("  %-11s %s: %s", s.Name, s.Package, s.Identity))
	}
	return &cli.Command{
		Name:  "real",
		Usage: "assemble real recorded speech with speaker labels from Debian packages",
		Description: `Fetches Debian packages that ship voice recordings by name (apt-get download; nothing is
installed), unpacks them (dpkg-deb -x) into --cache and converts every recording with sox to
<out>/<speaker>/<utt>.wav (16 kHz mono 16-bit). Writes speakers.tsv (speaker, group, source,
package, files, seconds, sample_rates, licence, identity) and utterances.tsv. The group column
keeps speakers that may be one person together in 'voxsiam split'. Recordings shipped twice are
kept once; an interrupted run resumes. Read it with:
voxsiam features --layout plain --in <out> --out <store>

Sources (--sources, comma-separated; default ` + strings.Join(realvoice.DefaultSources, ",") + `):
` + strings.Join(known, "\n") + `

Packages are downloaded through a private apt state in <cache>/apt whose sources are derived from
the machine's (same URIs, suites and keyrings, components main contrib non-free), so non-free
sources such as uqm need no change to the system's apt configuration. Non-commercial sources
(uqm: CC BY-NC-SA 2.5) are marked commercial=no in speakers.tsv; --commercial-only refuses them.

The packages asterisk-core-sounds-*, asterisk-prompt-*, fillets-ng-data* and tuxpaint-stamps-*
are reserved for independent evaluation and refused.
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Required: true, Usage: "corpus directory (completed if it exists)", Category: cat},
			&cli.StringFlag{Name: "cache", Usage: "where packages are downloaded and unpacked (default <out>.cache)", Category: cat},
			&cli.StringFlag{Name: "sources", Value: strings.Join(realvoice.DefaultSources, ","), Usage: "comma-separated sources", Category: cat},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first recording that cannot be converted", Category: cat},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON", Category: cat},
			&cli.BoolFlag{Name: "commercial-only", Usage: "refuse sources whose licence forbids commercial use (uqm)", Category: cat},
			&cli.BoolFlag{Name: "system-apt", Usage: "download with the machine's apt state (main only) instead of <cache>/apt", Category: cat},
			&cli.BoolFlag{Name: "apt-update", Usage: "refresh the private apt lists in <cache>/apt", Category: cat},
		},
		Action: func(c *cli.Context) error {
			opts := corpusRealOptions{Out: c.String("out"), Cache: c.String("cache"), Strict: c.Bool("strict"),
				JSON: c.Bool("json"), Stderr: c.App.ErrWriter, CommercialOnly: c.Bool("commercial-only"),
				SystemApt: c.Bool("system-apt"), AptUpdate: c.Bool("apt-update")}
			for _, s := range strings.Split(c.String("sources"), ",") {
				if s = strings.TrimSpace(s); s != "" {
					opts.Sources = append(opts.Sources, s)
				}
			}
			return runCorpusReal(c.Context, opts, c.App.Writer)
		},
	}
}

// runCorpusReal builds the corpus and prints a summary to w.
func runCorpusReal(ctx context.Context, opts corpusRealOptions, w io.Writer) error {
	for _, s := range opts.Sources {
		if _, ok := realvoice.SourceByName(s); !ok {
			return usagef("corpus real: unknown source %q", s)
		}
	}
	if opts.Cache == "" {
		opts.Cache = filepath.Clean(opts.Out) + ".cache"
	}
	unp := realvoice.AptUnpacker{Cache: opts.Cache}
	if !opts.SystemApt {
		unp.Apt = &realvoice.PrivateApt{Dir: filepath.Join(opts.Cache, "apt")}
		if opts.AptUpdate {
			if err := unp.Apt.Update(ctx); err != nil {
				return err
			}
		}
	}
	stderr, bar := logAndBar(opts.Stderr, opts.JSON)
	res, err := realvoice.Build(ctx, realvoice.Options{Out: opts.Out, Sources: opts.Sources, Unpacker: unp,
		CommercialOnly: opts.CommercialOnly, Strict: opts.Strict, Progress: bar, Log: stderr})
	if err != nil {
		return err
	}
	perSource := map[string]int{}
	for _, s := range res.Speakers {
		perSource[s.Source]++
	}
	sum := struct {
		Out        string         `json:"out"`
		Speakers   int            `json:"speakers"`
		Utterances int            `json:"utterances"`
		Hours      float64        `json:"hours"`
		Duplicates int            `json:"duplicates_dropped"`
		Skipped    []string       `json:"skipped"`
		PerSource  map[string]int `json:"speakers_per_source"`
	}{opts.Out, len(res.Speakers), res.Utterances, res.Seconds / 3600, res.Duplicates, res.Skipped, perSource}
	if opts.JSON {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintf(w, "corpus %s: %d speakers, %d utterances, %.2f h (speakers per source: %v); %d duplicates dropped, %d skipped\n",
		sum.Out, sum.Speakers, sum.Utterances, sum.Hours, perSource, res.Duplicates, len(res.Skipped))
	return nil
}
