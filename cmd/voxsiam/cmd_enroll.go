package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/spkdb"
)

// enrollOptions are the flags of `voxsiam enroll`.
type enrollOptions struct {
	DB, Speaker, Remove, Model string
	Files                      []string
	List                       bool
	Stderr                     io.Writer // warnings (skipped, padded files); nil: discarded
}

func newEnrollCommand() *cli.Command {
	o := &enrollOptions{}
	return &cli.Command{
		Name:      "enroll",
		Usage:     "add (or replace) a speaker in an enrollment database, remove one, or list them",
		UsageText: "voxsiam enroll --db DIR --speaker NAME [--model DIR] FILES...   |   voxsiam enroll --db DIR --remove NAME   |   voxsiam enroll --db DIR --list",
		Description: "Embeds every audio file given (folders: their audio files at any depth), one embedding per\n" +
			"enrollment utterance, and stores them with the speaker's mean in DIR (layout: docs/answers.md).\n" +
			"Enrolling a name again replaces its utterances. The database remembers the model's fingerprint:\n" +
			"identify and further enrollments must use the same model. A directory that is not a database\n" +
			"(or a corrupt one) is an error, and nothing in it is changed.\n" + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Usage: "database `DIR` (created when missing or empty)", Required: true, Destination: &o.DB},
			&cli.StringFlag{Name: "speaker", Usage: "`NAME` to enroll (letters, digits, . _ @ + -)", Destination: &o.Speaker},
			&cli.StringFlag{Name: "remove", Usage: "remove speaker `NAME`", Destination: &o.Remove},
			&cli.BoolFlag{Name: "list", Usage: "list the enrolled speakers and their utterance counts", Destination: &o.List},
			&cli.StringFlag{Name: "model", Usage: "SavedModel `DIR` (default: the shipped model)", Destination: &o.Model},
		},
		Action: func(c *cli.Context) error {
			o.Files, o.Stderr = c.Args().Slice(), c.App.ErrWriter
			return runEnroll(c.Context, o, c.App.Writer)
		},
	}
}

func runEnroll(ctx context.Context, o *enrollOptions, w io.Writer) error {
	modes := 0
	for _, on := range []bool{o.Speaker != "", o.Remove != "", o.List} {
		if on {
			modes++
		}
	}
	switch {
	case modes != 1:
		return usagef("enroll: give one of --speaker NAME (with files), --remove NAME and --list")
	case o.Speaker != "" && len(o.Files) == 0:
		return usagef("enroll: --speaker %s: no audio files given", o.Speaker)
	case o.Speaker == "" && len(o.Files) > 0:
		return usagef("enroll: files are only taken with --speaker")
	}
	if o.Remove != "" || o.List {
		db, err := spkdb.Open(o.DB, "", 0, false)
		if err != nil {
			return err
		}
		if o.List {
			return listSpeakers(w, db)
		}
		if err := db.Remove(o.Remove); err != nil {
			return err
		}
		fmt.Fprintf(w, "removed %s from %s (%d speakers left)\n", o.Remove, o.DB, len(db.Names))
		return nil
	}
	if err := spkdb.CheckName(o.Speaker); err != nil {
		return err
	}
	e, err := openEmbedder(o.Model, o.Stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	// Open before embedding: a foreign or corrupt database fails fast.
	if _, err := e.openDB(o.DB, 0, true); err != nil {
		return err
	}
	x, err := e.embedFiles(ctx, "enroll: "+o.Speaker, o.Files)
	if err != nil {
		return err
	}
	db, err := e.openDB(o.DB, x.Dim, true)
	if err != nil {
		return err
	}
	replaced := db.Has(o.Speaker)
	ids := make([]string, len(x.Sources))
	for i, s := range x.Sources {
		stem := strings.TrimSuffix(filepath.Base(s), filepath.Ext(s))
		ids[i] = fmt.Sprintf("%03d_%s", i, strings.Join(strings.Fields(stem), "_"))
	}
	if err := db.Enroll(o.Speaker, ids, x.Emb); err != nil {
		return err
	}
	verb := "enrolled"
	if replaced {
		verb = "re-enrolled (replaced)"
	}
	fmt.Fprintf(w, "%s %s: %d utterance(s) in %s (%d speakers)\n", verb, o.Speaker, len(ids), o.DB, len(db.Names))
	return nil
}

func listSpeakers(w io.Writer, db *spkdb.DB) error {
	for _, n := range db.Names {
		ids, _, err := db.Speaker(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%d\n", n, len(ids))
	}
	return nil
}
