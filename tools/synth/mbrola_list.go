package synth

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// MbrolaLicence summarises the licence of the MBROLA databases (each
// package's copyright file, "Terms and conditions"): synthesis only with the
// mbrola program; free to copy when no charge is made, but not to be sold or
// incorporated into a product that is sold without the database owner's
// permission (every database read here but en1, whose own terms are more
// permissive); some add "not for military purposes".
// A model trained on them is therefore treated as non-commercial.
const MbrolaLicence = "MBROLA database terms: synthesis with the mbrola program only; no sale or incorporation into a sold product without the owner's permission (non-commercial)"

// MbrolaDB is one MBROLA voice database: one recorded person.
type MbrolaDB struct {
	DB      string // "de1": the database, and the speaker group
	Package string // Debian package: "mbrola-de1"
	Lang    string // language as the package describes it: "German"
	Sex     string // "male" or "female", as the package describes it
}

// mbrolaDesc is `apt-cache search` output for an MBROLA voice package:
// "mbrola-de1 - German female voice for Mbrola".
var mbrolaDesc = regexp.MustCompile(`^mbrola-([a-z]{2}[0-9]+) - (.+?) (male|female) voice for Mbrola$`)

// ParseMbrolaPackages reads `apt-cache search ^mbrola-` lines and returns
// the voice databases, sorted; lines of other packages (the engine, festvox
// glue) are skipped. A package whose description names no sex is an error:
// the list documents every database's speaker sex.
func ParseMbrolaPackages(lines []string) ([]MbrolaDB, error) {
	var out []MbrolaDB
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "mbrola-") {
			continue
		}
		m := mbrolaDesc.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("synth: mbrola package line %q: want \"mbrola-xx1 - <Language> <male|female> voice for Mbrola\"", l)
		}
		out = append(out, MbrolaDB{DB: m[1], Package: "mbrola-" + m[1], Lang: m[2], Sex: m[3]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DB < out[j].DB })
	return out, nil
}

// MbrolaReadable keeps the databases that some espeak-ng mb-* voice under
// EspeakVoiceDir/mb drives in a language with a sentence generator
// (mbrolaLangs: English, also through the xx1-en variants), so that fetching
// them is worth it. The mb-* voice files ship with espeak-ng itself.
func MbrolaReadable(dbs []MbrolaDB) ([]MbrolaDB, error) {
	defs, err := readMbrolaVoiceDefs()
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, d := range defs {
		if d.textLang() != "" {
			ok[d.DB] = true
		}
	}
	var out []MbrolaDB
	for _, d := range dbs {
		if ok[d.DB] {
			out = append(out, d)
		}
	}
	return out, nil
}
