package realvoice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fixtures are shaped like this machine's /etc/apt: a deb822
// debian.sources with the archive and security stanzas, a third-party
// deb822 file with its own keyring, a disabled one-line file, and a
// one-line sources.list.
const (
	fixtureDeb822 = `Types: deb
# a snapshot comment
URIs: http://archive.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://archive.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://archive.example/debian
Suites: bookworm
Components: main
Enabled: no
`
	fixtureThirdParty = `Types: deb
URIs: https://vendor.example/node
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/vendor.gpg
`
	fixtureOneLine = `# one-line format
deb http://mirror.example/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm-backports main contrib
deb-src http://mirror.example/debian bookworm main
deb https://vendor.example/apt cloud-sdk main
`
)

func TestParseSources(t *testing.T) {
	one, err := ParseSourcesList("sources.list", []byte(fixtureOneLine))
	if err != nil {
		t.Fatal(err)
	}
	want := []AptSource{
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/debian"}, Suites: []string{"bookworm"}, Components: []string{"main"}, File: "sources.list"},
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/debian"}, Suites: []string{"bookworm-backports"}, Components: []string{"main", "contrib"},
			SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", File: "sources.list"},
		{Types: []string{"deb-src"}, URIs: []string{"http://mirror.example/debian"}, Suites: []string{"bookworm"}, Components: []string{"main"}, File: "sources.list"},
		{Types: []string{"deb"}, URIs: []string{"https://vendor.example/apt"}, Suites: []string{"cloud-sdk"}, Components: []string{"main"}, File: "sources.list"},
	}
	if d := cmp.Diff(want, one); d != "" {
		t.Errorf("one-line (-want +got):\n%s", d)
	}
	d822, err := ParseDeb822Sources("debian.sources", []byte(fixtureDeb822))
	if err != nil {
		t.Fatal(err)
	}
	want = []AptSource{
		{Types: []string{"deb"}, URIs: []string{"http://archive.example/debian"}, Suites: []string{"bookworm", "bookworm-updates"},
			Components: []string{"main"}, SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", File: "debian.sources"},
		{Types: []string{"deb"}, URIs: []string{"http://archive.example/debian-security"}, Suites: []string{"bookworm-security"},
			Components: []string{"main"}, SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", File: "debian.sources"},
	}
	if d := cmp.Diff(want, d822); d != "" {
		t.Errorf("deb822 (-want +got):\n%s", d)
	}
	for _, bad := range []struct{ name, text, want string }{
		{"one-line", "deb [signed-by=x http://a/debian bookworm main\n", "unclosed"},
		{"one-line", "deb http://a/debian\n", "want URI, suite"},
		{"one-line", "rpm http://a/debian bookworm main\n", "unknown type"},
		{"deb822", "Types: deb\nSuites: bookworm\n", "lacks Types, URIs or Suites"},
		{"deb822", "Types deb\n", "Field: value"},
	} {
		var err error
		if bad.name == "one-line" {
			_, err = ParseSourcesList("bad.list", []byte(bad.text))
		} else {
			_, err = ParseDeb822Sources("bad.sources", []byte(bad.text))
		}
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "bad.") {
			t.Errorf("%s %q: err %v, want one naming the file and %q", bad.name, bad.text, err, bad.want)
		}
	}
}

// TestPrivateSources: from an /etc/apt tree, the Debian archive sources
// (deb822 and one-line) come back with main contrib non-free; the vendor
// repositories, deb-src lines and the disabled file are left out.
func TestPrivateSources(t *testing.T) {
	etc := t.TempDir()
	files := map[string]string{
		"sources.list":                      fixtureOneLine,
		"sources.list.d/debian.sources":     fixtureDeb822,
		"sources.list.d/vendor.sources":     fixtureThirdParty,
		"sources.list.d/old.list.disabled":  "deb http://old.example/debian sid main\n",
		"sources.list.d/empty-and-odd.list": "\n# nothing\n",
	}
	for name, text := range files {
		write(t, filepath.Join(etc, name), []byte(text))
	}
	sys, err := ReadSystemSources(etc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := PrivateSources(sys, PrivateComponents)
	if err != nil {
		t.Fatal(err)
	}
	const key = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
	want := "deb http://mirror.example/debian bookworm main contrib non-free\n" +
		"deb " + key + "http://mirror.example/debian bookworm-backports main contrib non-free\n" +
		"deb " + key + "http://archive.example/debian bookworm main contrib non-free\n" +
		"deb " + key + "http://archive.example/debian bookworm-updates main contrib non-free\n" +
		"deb " + key + "http://archive.example/debian-security bookworm-security main contrib non-free\n"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("private sources (-want +got):\n%s", d)
	}
	if _, err := PrivateSources([]AptSource{{Types: []string{"deb"}, URIs: []string{"https://vendor.example/node"},
		Suites: []string{"nodistro"}, Components: []string{"main"}, SignedBy: "/k/vendor.gpg"}}, PrivateComponents); err == nil {
		t.Error("PrivateSources accepted a list without a Debian archive source")
	}
	// Prepare writes the same text and the directories, under the private dir only.
	p := PrivateApt{Dir: filepath.Join(t.TempDir(), "apt"), Etc: etc}
	if err := p.Prepare(); err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(filepath.Join(p.Dir, "sources.list"))
	if string(written) != want || p.Updated() {
		t.Errorf("Prepare wrote %q (updated %v), want %q and no lists yet", written, p.Updated(), want)
	}
	for _, d := range []string{"sources.list.d", "lists/partial", "cache/archives/partial"} {
		if st, err := os.Stat(filepath.Join(p.Dir, d)); err != nil || !st.IsDir() {
			t.Errorf("Prepare did not make %s: %v", d, err)
		}
	}
	opts := strings.Join(p.Options(), " ")
	for _, o := range []string{"Dir::Etc::SourceList=" + p.Dir + "/sources.list", "Dir::Etc::SourceParts=" + p.Dir + "/sources.list.d",
		"Dir::State::Lists=" + p.Dir + "/lists", "Dir::Cache=" + p.Dir + "/cache"} {
		if !strings.Contains(opts, "-o "+o) {
			t.Errorf("options %q lack -o %s", opts, o)
		}
	}
	// A relative Dir gives absolute options: apt would look for a relative
	// source list under /etc/apt.
	t.Chdir(filepath.Dir(p.Dir))
	rel := PrivateApt{Dir: "apt"}
	if got, want := strings.Join(rel.Options(), " "), opts; got != want {
		t.Errorf("relative Dir: options %q, want %q", got, want)
	}
}
