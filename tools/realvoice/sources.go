package realvoice

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Source is one Debian package with recorded speech and the rule that maps
// its files to speakers.
type Source struct {
	Name     string // short name, used in speaker ids: "ktuberling"
	Package  string // Debian package: "ktuberling-data"
	Licence  string // licence of the recordings, from the package's copyright file
	Identity string // how the speaker of a file is known
	// Items lists the recordings under root, the package unpacked by
	// dpkg-deb -x; close (never nil) releases what the items read from.
	Items func(root string) (items []Item, close func() error, err error)
	// More are further packages the source reads (uqm's credits are in
	// uqm-content); ItemsFrom then replaces Items and gets the roots of
	// Package and More, in that order.
	More      []string
	ItemsFrom func(roots []string) (items []Item, close func() error, err error)
	// NonCommercial: the licence forbids commercial use (CC BY-NC-SA);
	// speakers.tsv says so (column commercial = no).
	NonCommercial bool
}

// Item is one recording of a source.
type Item struct {
	Speaker string // speaker id, unique across sources: "ktuberling-fr"
	Group   string // split group: speakers that may be one person share it
	Utt     string // utterance id, unique within the speaker
	Path    string // file on disk, or the zip archive holding Entry
	Entry   string // member of the zip archive Path; "" for a plain file
	// Identity, when set, is how this item's speaker is known, replacing
	// Source.Identity in speakers.tsv (uqm: the actor's credits lines).
	Identity string

	zf *zip.File // Entry, in an archive the source keeps open
}

// Open returns the item's bytes.
func (it Item) Open() (io.ReadCloser, error) {
	if it.zf != nil {
		return it.zf.Open()
	}
	return os.Open(it.Path)
}

// Reserved are the Debian packages kept for independent evaluation: Build
// refuses them (prefix match).
var Reserved = []string{"asterisk-core-sounds-", "asterisk-prompt-", "fillets-ng-data", "tuxpaint-stamps-"}

// IsReserved reports whether pkg is one of the reserved packages.
func IsReserved(pkg string) bool {
	for _, r := range Reserved {
		if strings.HasPrefix(pkg, r) || pkg == strings.TrimSuffix(r, "-") {
			return true
		}
	}
	return false
}

// Sources are the known sources, in build order (the order decides which
// copy of a recording shipped twice is kept).
var Sources = []Source{
	{Name: "ktuberling", Package: "ktuberling-data", Licence: "GPL-2+ (KDE ktuberling)",
		Identity: "one recording person per language directory (sounds/<lang>); the Serbian variants are byte-identical copies and kept once",
		Items:    ktuberlingItems},
	{Name: "klettres", Package: "klettres-data", Licence: "GPL-2+ (KDE klettres)",
		Identity: "one recording person per language directory (<lang>/alpha, <lang>/syllab); grouped with the same language in ktuberling, which may be the same person",
		Items:    klettresItems},
	{Name: "gcin", Package: "gcin-voice", Licence: "GPL-3 or LGPL-3 (3.ogg, Edward Der-Hua Liu); CC-BY-3.0 (5.ogg, Chu Lo / ChionMeilin)",
		Identity: "two credited speakers: every syllable directory holds 3.ogg (one speaker) and 5.ogg (the other), per the package's copyright file",
		Items:    gcinItems},
	{Name: "hedgewars", Package: "hedgewars-data", Licence: "GFDL-1.3 (Data/Sounds)",
		Identity: "one voice pack = one speaker (actors are not credited per pack; all packs share one split group); the processed Robot pack is left out",
		Items:    hedgewarsItems},
	{Name: "0ad", Package: "0ad-data", Licence: "CC-BY-SA-3.0 (0 A.D. art and audio)",
		Identity: "one speaker per civilisation language and gender (audio/voice/<lang>/civ/civ_<gender>_*.ogg)",
		Items:    zeroADItems},
	{Name: "uqm", Package: "uqm-voice", More: []string{"uqm-content"}, NonCommercial: true,
		Licence:   "CC-BY-NC-SA-2.5 (The Ur-Quan Masters content, Toys for Bob; non-commercial)",
		Identity:  "speaker = credited voice actor (uqm-content credits.txt 'STARRING THE VOICES OF'); the synthetic probe, uncredited, two-actor and effect-processed folders are left out",
		ItemsFrom: uqmItems},
}

// SourceByName finds a source.
func SourceByName(name string) (Source, bool) {
	for _, s := range Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// DefaultSources are built when none are named: every source but 0ad, whose
// package is 1.4 GB.
var DefaultSources = []string{"ktuberling", "klettres", "gcin", "hedgewars"}

func noClose() error { return nil }

var audioExt = regexp.MustCompile(`(?i)\.(ogg|wav|flac)$`)

// walkAudio lists the audio files under dir, sorted, as paths relative to dir.
func walkAudio(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && audioExt.MatchString(d.Name()) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// uttID makes an utterance id from a relative path: path separators and
// anything outside [A-Za-z0-9._-] become '_', the extension is dropped.
func uttID(rel string) string {
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	var b strings.Builder
	for _, r := range rel {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_")
			if r > 127 {
				fmt.Fprintf(&b, "%x", r)
			}
		}
	}
	return b.String()
}

// langGroup is the group of a KDE language directory: "sr@latin" -> "kde-sr".
func langGroup(lang string) string {
	lang, _, _ = strings.Cut(lang, "@")
	lang, _, _ = strings.Cut(lang, "_")
	return "kde-" + lang
}

// fileItems lists the audio files under root/dir as items; label maps a file's
// path relative to dir to its speaker, group and utterance id, or ok=false to
// leave the file out.
func fileItems(root, dir string, label func(rel string) (spk, group, utt string, ok bool)) ([]Item, func() error, error) {
	dir = filepath.Join(root, dir)
	files, err := walkAudio(dir)
	if err != nil {
		return nil, nil, err
	}
	var items []Item
	for _, rel := range files {
		if spk, group, utt, ok := label(rel); ok {
			items = append(items, Item{Speaker: spk, Group: group, Utt: utt, Path: filepath.Join(dir, rel)})
		}
	}
	return items, noClose, nil
}

// ktuberlingItems: sounds/<lang>/<word>.ogg, one speaker per language.
func ktuberlingItems(root string) ([]Item, func() error, error) {
	return fileItems(root, "usr/share/ktuberling/sounds", func(rel string) (string, string, string, bool) {
		lang, _, ok := strings.Cut(rel, "/")
		return "ktuberling-" + lang, langGroup(lang), uttID(rel), ok
	})
}

// klettresItems: <lang>/{alpha,syllab}/<x>.ogg, one speaker per language.
func klettresItems(root string) ([]Item, func() error, error) {
	return fileItems(root, "usr/share/klettres", func(rel string) (string, string, string, bool) {
		p := strings.Split(rel, "/")
		if len(p) < 3 || (p[1] != "alpha" && p[1] != "syllab") {
			return "", "", "", false
		}
		return "klettres-" + p[0], langGroup(p[0]), uttID(rel), true
	})
}

// gcinItems: ogg/<syllable>/{3,5}.ogg, one speaker per file name.
func gcinItems(root string) ([]Item, func() error, error) {
	return fileItems(root, "usr/share/gcin-voice/ogg", func(rel string) (string, string, string, bool) {
		syl, file, ok := strings.Cut(rel, "/")
		spk := "gcin-" + strings.TrimSuffix(file, ".ogg")
		return spk, spk, uttID(syl), ok && (file == "3.ogg" || file == "5.ogg")
	})
}

// hedgewarsProcessed are voice packs made by processing a voice, not speakers.
var hedgewarsProcessed = map[string]bool{"Robot": true}

// hedgewarsItems: voices/<pack>/<line>.ogg, one speaker per pack, one group.
func hedgewarsItems(root string) ([]Item, func() error, error) {
	return fileItems(root, "usr/share/games/hedgewars/Data/Sounds/voices", func(rel string) (string, string, string, bool) {
		pack, _, ok := strings.Cut(rel, "/")
		return "hedgewars-" + pack, "hedgewars", uttID(rel), ok && !hedgewarsProcessed[pack]
	})
}

var zeroADVoice = regexp.MustCompile(`^audio/voice/([a-z]+)/civ/civ_(male|female)_[^/]+\.ogg$`)

func zeroADItems(root string) ([]Item, func() error, error) {
	zp := filepath.Join(root, "usr/share/games/0ad/mods/public/public.zip")
	z, err := zip.OpenReader(zp)
	if err != nil {
		return nil, nil, err
	}
	var items []Item
	for _, f := range z.File {
		m := zeroADVoice.FindStringSubmatch(f.Name)
		if m == nil {
			continue
		}
		spk := "0ad-" + m[1] + "-" + m[2]
		items = append(items, Item{Speaker: spk, Group: spk, Utt: uttID(path.Base(f.Name)), Path: zp, Entry: f.Name, zf: f})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].Entry < items[b].Entry })
	return items, z.Close, nil
}
