package realvoice

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// AptSource is one entry of an apt sources file: a one-line "deb" line of
// sources.list(5) or one stanza of a deb822 .sources file.
type AptSource struct {
	Types      []string // "deb", "deb-src"
	URIs       []string
	Suites     []string // "bookworm", "bookworm-updates"
	Components []string // "main", "contrib", "non-free"
	SignedBy   string   // keyring file ("" when the entry names none)
	File       string   // the file it was read from, for messages
}

// ParseSourcesList parses a one-line-format sources.list: "deb [opts] URI
// suite component...". Comments, blank lines and deb-src lines are skipped;
// of the options only signed-by is kept. name is the file, for errors.
func ParseSourcesList(name string, data []byte) ([]AptSource, error) {
	var out []AptSource
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		s := AptSource{Types: []string{f[0]}, File: name}
		f = f[1:]
		if len(f) > 0 && strings.HasPrefix(f[0], "[") {
			end := 0
			for end < len(f) && !strings.HasSuffix(f[end], "]") {
				end++
			}
			if end == len(f) {
				return nil, fmt.Errorf("realvoice: %s:%d: unclosed [options]", name, n)
			}
			for _, o := range f[:end+1] {
				k, v, _ := strings.Cut(strings.Trim(o, "[]"), "=")
				if strings.EqualFold(k, "signed-by") {
					s.SignedBy = v
				}
			}
			f = f[end+1:]
		}
		if s.Types[0] != "deb" && s.Types[0] != "deb-src" {
			return nil, fmt.Errorf("realvoice: %s:%d: unknown type %q (want deb or deb-src)", name, n, s.Types[0])
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("realvoice: %s:%d: want URI, suite and components", name, n)
		}
		s.URIs, s.Suites, s.Components = []string{f[0]}, []string{f[1]}, f[2:]
		out = append(out, s)
	}
	return out, sc.Err()
}

// ParseDeb822Sources parses a deb822 .sources file (sources.list(5),
// "DEB822-STYLE FORMAT"): stanzas separated by blank lines with the fields
// Types, URIs, Suites, Components, Signed-By and Enabled. Stanzas with
// "Enabled: no" are skipped; an inline (multi-line) Signed-By key is kept
// as the text "inline". Comment lines start with '#'.
func ParseDeb822Sources(name string, data []byte) ([]AptSource, error) {
	var out []AptSource
	fields := map[string]string{}
	last, start := "", 0
	flush := func() error {
		if len(fields) == 0 {
			return nil
		}
		defer func() { fields = map[string]string{} }()
		if strings.EqualFold(fields["enabled"], "no") {
			return nil
		}
		s := AptSource{Types: strings.Fields(fields["types"]), URIs: strings.Fields(fields["uris"]),
			Suites: strings.Fields(fields["suites"]), Components: strings.Fields(fields["components"]),
			SignedBy: strings.TrimSpace(fields["signed-by"]), File: name}
		if strings.Contains(s.SignedBy, "\n") {
			s.SignedBy = "inline"
		}
		if len(s.Types) == 0 || len(s.URIs) == 0 || len(s.Suites) == 0 {
			return fmt.Errorf("realvoice: %s: stanza at line %d lacks Types, URIs or Suites", name, start)
		}
		out = append(out, s)
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			if err := flush(); err != nil {
				return nil, err
			}
			last = ""
		case line[0] == ' ' || line[0] == '\t':
			if last == "" {
				return nil, fmt.Errorf("realvoice: %s:%d: continuation line without a field", name, n)
			}
			fields[last] += "\n" + strings.TrimSpace(line)
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("realvoice: %s:%d: want \"Field: value\", got %q", name, n, line)
			}
			if len(fields) == 0 {
				start = n
			}
			last = strings.ToLower(strings.TrimSpace(k))
			fields[last] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, flush()
}

// ReadSystemSources reads the apt sources under etc (normally /etc/apt):
// sources.list and sources.list.d/*.list in one-line format and
// sources.list.d/*.sources in deb822 format, as apt does; files with other
// names (such as "*.disabled") are ignored, as apt ignores them.
func ReadSystemSources(etc string) ([]AptSource, error) {
	files := []string{filepath.Join(etc, "sources.list")}
	more, err := filepath.Glob(filepath.Join(etc, "sources.list.d", "*"))
	if err != nil {
		return nil, err
	}
	sort.Strings(more)
	files = append(files, more...)
	var out []AptSource
	for _, f := range files {
		deb822 := strings.HasSuffix(f, ".sources")
		if !deb822 && !strings.HasSuffix(f, ".list") {
			continue
		}
		data, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("realvoice: apt sources: %w", err)
		}
		var ss []AptSource
		if deb822 {
			ss, err = ParseDeb822Sources(f, data)
		} else {
			ss, err = ParseSourcesList(f, data)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// debianArchive reports whether s is a Debian archive source: it carries
// the main component and is signed by the Debian archive keyring (or names
// no keyring, relying on apt's trusted keys, and its URI path is a Debian
// archive path). Third-party repositories (their own keyrings) are not.
func debianArchive(s AptSource) bool {
	if !contains(s.Types, "deb") || !contains(s.Components, "main") {
		return false
	}
	if s.SignedBy != "" {
		return strings.Contains(filepath.Base(s.SignedBy), "debian-archive-keyring")
	}
	for _, u := range s.URIs {
		u = strings.TrimSuffix(u, "/")
		if strings.HasSuffix(u, "/debian") || strings.HasSuffix(u, "/debian-security") {
			return true
		}
	}
	return false
}

// PrivateSources derives the sources of a private apt state from the
// system's: every Debian archive source (URIs, suites, keyring unchanged)
// with the components main plus components (normally contrib and
// non-free), as one-line sources.list text, one line per URI and suite.
// It is an error when no Debian archive source is found.
func PrivateSources(sys []AptSource, components []string) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	comps := append([]string{"main"}, components...)
	for _, s := range sys {
		if !debianArchive(s) {
			continue
		}
		opt := ""
		if s.SignedBy != "" && s.SignedBy != "inline" {
			opt = "[signed-by=" + s.SignedBy + "] "
		}
		for _, u := range s.URIs {
			for _, su := range s.Suites {
				line := fmt.Sprintf("deb %s%s %s %s\n", opt, u, su, strings.Join(comps, " "))
				if !seen[line] {
					seen[line] = true
					b.WriteString(line)
				}
			}
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("realvoice: no Debian archive source among the %d apt sources read", len(sys))
	}
	return b.String(), nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
