package synth

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/voxsiam/voxsiam/tools/realvoice"
)

// ListMbrola lists the MBROLA voice packages the archive offers, through
// the private apt state under cache/apt (contrib and non-free, the
// machine's apt configuration untouched; realvoice.PrivateApt).
func ListMbrola(ctx context.Context, cache string) ([]MbrolaDB, error) {
	apt := realvoice.PrivateApt{Dir: filepath.Join(cache, "apt")}
	if err := apt.Ensure(ctx); err != nil {
		return nil, err
	}
	lines, err := apt.Search(ctx, "^mbrola-")
	if err != nil {
		return nil, err
	}
	return ParseMbrolaPackages(lines)
}

// FetchMbrola downloads (apt-get download through the private state) and
// unpacks (dpkg-deb -x) the mbrola engine and the databases dbs into cache,
// nothing installed, and runs PrepareMbrola on cache/espeak.
func FetchMbrola(ctx context.Context, cache string, dbs []MbrolaDB) error {
	unp := realvoice.AptUnpacker{Cache: cache, Apt: &realvoice.PrivateApt{Dir: filepath.Join(cache, "apt")}}
	eng, err := unp.Unpack(ctx, "mbrola")
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	files := map[string]string{}
	for _, d := range dbs {
		root, err := unp.Unpack(ctx, d.Package)
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		files[d.DB] = filepath.Join(root, "usr/share/mbrola", d.DB, d.DB)
	}
	return PrepareMbrola(filepath.Join(cache, "espeak"), filepath.Dir(EspeakVoiceDir), filepath.Join(eng, "usr/bin"), files)
}

// GenerateMbrola is Generate with the MBROLA base voices only (one per
// prepared database, i.e. per recorded person; FetchMbrola first), read by
// espeak-ng. Besides the tables of Generate it writes mbrola_voices.tsv
// (base_voice, package, language, sex, licence) for the databases dbs.
func GenerateMbrola(ctx context.Context, opts Options, dbs []MbrolaDB) (*Result, error) {
	bases, err := MbrolaBaseVoices()
	if err != nil {
		return nil, err
	}
	eng := func(ctx context.Context, s Speaker, texts []string, _ string) []clip {
		return mbrolaSpeak(ctx, s, texts)
	}
	return generateWith(ctx, opts, bases, eng, "mbrola_voices.tsv", mbrolaVoicesTable(bases, dbs))
}

// mbrolaVoicesTable is the licence and documented speaker of every base voice.
func mbrolaVoicesTable(bases []BaseVoice, dbs []MbrolaDB) []byte {
	byDB := map[string]MbrolaDB{}
	for _, d := range dbs {
		byDB[d.DB] = d
	}
	var b bytes.Buffer
	b.WriteString("base_voice\tpackage\tlanguage\tsex\tvoices\tcommercial\tlicence\n")
	for _, bv := range bases {
		d := byDB[strings.TrimPrefix(bv.Name, Mbrola+"/")]
		var names []string
		for _, v := range bv.Voices {
			names = append(names, v.Name)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\tno\t%s\n", bv.Name, d.Package, d.Lang, d.Sex, strings.Join(names, ","), MbrolaLicence)
	}
	return b.Bytes()
}
