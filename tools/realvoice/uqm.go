package realvoice

import (
	"archive/zip"
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// uqmFoldersTSV is the hand interpretation of the credits' role names as
// uqm-voice folders, the credited non-persons and the folders screened out
// for voice effects; every row cites the credits line it rests on.
//
//go:embed uqm_folders.tsv
var uqmFoldersTSV string

// UQMCredit is one role of the credits' voice-actor table.
type UQMCredit struct {
	Actor string // "David Bryce"
	Role  string // "Spathi"
	Line  int    // 1-based line of credits.txt
}

// ParseUQMCredits reads the voice-actor table of The Ur-Quan Masters'
// credits.txt: the blocks whose caption comment starts "#(Voice actors" and
// whose lines are "Actor<TAB>Role", or "<TAB>Role" for a further role of
// the actor above. The first line of a block is its font/alignment header
// ("13 R/146,L/165"); a line without a tab continues the actor's name
// ("Arianna", "& Devin Reiche") and adds no role. name is the file, for
// errors; a file without the table is an error.
func ParseUQMCredits(name string, data []byte) ([]UQMCredit, error) {
	var out []UQMCredit
	in, header := false, false
	actor := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#(") {
			in = strings.HasPrefix(line, "#(Voice actors,")
			header, actor = in, ""
			continue
		}
		if !in || strings.TrimSpace(line) == "" {
			continue
		}
		if header {
			header = false
			if uqmHeader.MatchString(line) {
				continue
			}
		}
		a, role, ok := strings.Cut(line, "\t")
		if !ok {
			continue // the name of the actor above goes on
		}
		if a = strings.TrimSpace(a); a != "" {
			actor = a
		}
		if actor == "" {
			return nil, errs.BadData("realvoice: %s:%d: role %q before any actor", name, n, strings.TrimSpace(role))
		}
		out = append(out, UQMCredit{Actor: actor, Role: strings.TrimSpace(role), Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errs.BadData("realvoice: %s: no \"#(Voice actors\" table", name)
	}
	return out, nil
}

var uqmHeader = regexp.MustCompile(`^\d+ [LCR]`)

// uqmRules is the parsed uqm_folders.tsv.
type uqmRules struct {
	roles     map[string][]string // role -> folders; empty: none
	notPerson map[string]string   // actor -> why
	effects   map[string]string   // folder -> why
}

func parseUQMRules(tsv string) (uqmRules, error) {
	r := uqmRules{roles: map[string][]string{}, notPerson: map[string]string{}, effects: map[string]string{}}
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			return r, fmt.Errorf("realvoice: uqm_folders.tsv:%d: want kind, key, value, note", n+1)
		}
		switch f[0] {
		case "role":
			r.roles[f[1]] = nil
			if f[2] != "-" {
				r.roles[f[1]] = strings.Split(f[2], ",")
			}
		case "notperson":
			r.notPerson[f[1]] = f[len(f)-1]
		case "effects":
			r.effects[f[1]] = f[len(f)-1]
		default:
			return r, fmt.Errorf("realvoice: uqm_folders.tsv:%d: unknown kind %q", n+1, f[0])
		}
	}
	return r, nil
}

// folders maps a credited role to its uqm-voice folders.
func (r uqmRules) folders(role string) []string {
	if f, ok := r.roles[role]; ok {
		return f
	}
	return []string{strings.NewReplacer(" ", "", "-", "").Replace(strings.ToLower(role))}
}

// UQMCast is the decision for every folder of uqm-voice.
type UQMCast struct {
	Actor   map[string]string   // kept folder -> its one credited actor
	Dropped map[string]string   // folder -> why it is left out
	Lines   map[string][]string // actor -> "folder (credits line N)" for speakers.tsv
}

// CastUQM decides, for the folders of uqm-voice, who speaks in each:
// folders with one credited person are kept under that actor; folders
// without a credit, with two or more credited actors, credited to a
// non-person (the synthetic probe) or screened for voice effects are
// dropped, each with its reason.
func CastUQM(credits []UQMCredit, folders []string) (UQMCast, error) {
	rules, err := parseUQMRules(uqmFoldersTSV)
	if err != nil {
		return UQMCast{}, err
	}
	actors := map[string][]UQMCredit{}
	for _, c := range credits {
		for _, f := range rules.folders(c.Role) {
			actors[f] = append(actors[f], c)
		}
	}
	cast := UQMCast{Actor: map[string]string{}, Dropped: map[string]string{}, Lines: map[string][]string{}}
	for _, f := range folders {
		cs := actors[f]
		switch {
		case len(cs) == 0:
			cast.Dropped[f] = "uncredited: no role of the credits names this folder"
		case len(cs) > 1:
			var who []string
			for _, c := range cs {
				who = append(who, fmt.Sprintf("%s (line %d)", c.Actor, c.Line))
			}
			cast.Dropped[f] = "voiced by " + strings.Join(who, " and ")
		case rules.notPerson[cs[0].Actor] != "":
			cast.Dropped[f] = fmt.Sprintf("credited to %q (line %d): %s", cs[0].Actor, cs[0].Line, rules.notPerson[cs[0].Actor])
		case rules.effects[f] != "":
			cast.Dropped[f] = "voice effects: " + rules.effects[f]
		default:
			cast.Actor[f] = cs[0].Actor
			cast.Lines[cs[0].Actor] = append(cast.Lines[cs[0].Actor], fmt.Sprintf("%s (credits line %d)", f, cs[0].Line))
		}
	}
	return cast, nil
}

// uqmSpeaker is the speaker id of an actor: "David Bryce" -> "uqm-david-bryce".
func uqmSpeaker(actor string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(actor) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return "uqm-" + strings.TrimSuffix(b.String(), "-")
}

var uqmVoiceFile = regexp.MustCompile(`^3dovoice/([a-z]+)/[^/]+\.ogg$`)

// uqmItems lists the recordings of uqm-voice (roots[0]) spoken by one
// credited person, per the credits of uqm-content (roots[1]). Both
// packages keep their files in zip archives (*.uqm).
func uqmItems(roots []string) ([]Item, func() error, error) {
	if len(roots) != 2 {
		return nil, nil, fmt.Errorf("uqm: want the roots of uqm-voice and uqm-content, got %d", len(roots))
	}
	credits, err := uqmReadCredits(roots[1])
	if err != nil {
		return nil, nil, err
	}
	vp, err := oneGlob(filepath.Join(roots[0], "usr/share/games/uqm/content/addons/*voice*.uqm"))
	if err != nil {
		return nil, nil, err
	}
	z, err := zip.OpenReader(vp)
	if err != nil {
		return nil, nil, err
	}
	byFolder := map[string][]*zip.File{}
	for _, f := range z.File {
		if m := uqmVoiceFile.FindStringSubmatch(f.Name); m != nil {
			byFolder[m[1]] = append(byFolder[m[1]], f)
		}
	}
	var folders []string
	for f := range byFolder {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	cast, err := CastUQM(credits, folders)
	if err != nil {
		z.Close()
		return nil, nil, err
	}
	var items []Item
	for _, folder := range folders {
		actor, ok := cast.Actor[folder]
		if !ok {
			continue
		}
		spk := uqmSpeaker(actor)
		id := fmt.Sprintf("credited voice actor %s of the comm folders %s (uqm-content credits.txt)",
			actor, strings.Join(cast.Lines[actor], ", "))
		for _, f := range byFolder[folder] {
			items = append(items, Item{Speaker: spk, Group: spk, Utt: uttID(path.Base(f.Name)), Path: vp,
				Entry: f.Name, Identity: id, zf: f})
		}
	}
	sort.Slice(items, func(a, b int) bool { return items[a].Entry < items[b].Entry })
	return items, z.Close, nil
}

// uqmReadCredits reads credits.txt from the content archive under root.
func uqmReadCredits(root string) ([]UQMCredit, error) {
	cp, err := oneGlob(filepath.Join(root, "usr/share/games/uqm/content/packages/*content*.uqm"))
	if err != nil {
		return nil, err
	}
	z, err := zip.OpenReader(cp)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	const member = "base/cutscene/credits/credits.txt"
	f, err := z.Open(member)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cp, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", cp, member, err)
	}
	return ParseUQMCredits(cp+":"+member, data)
}

// oneGlob returns the one file matching pattern.
func oneGlob(pattern string) (string, error) {
	m, err := filepath.Glob(pattern)
	if err != nil {
		return "", err
	}
	if len(m) != 1 {
		return "", errs.BadData("realvoice: want one file matching %s, found %d", pattern, len(m))
	}
	return m[0], nil
}
