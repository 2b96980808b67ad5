package archtest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// The set-up contract between README.md, the Makefile and .ci/run:
//
//   - every Debian package the README's Install section names in an
//     `apt-get install` line is one `make setup` installs (APT_PACKAGES), and
//     every package of APT_BASE (what building and running needs at all) is
//     named there, so the README's list is the Makefile's;
//   - the README's test command (the line of "The two commands" whose comment
//     names `go test`) is a command line of .ci/run.

// TestReadmePrerequisitesInstalledBySetup fails when the README names a
// prerequisite package that make setup does not install, or when make setup's
// base list has a package the README does not name.
func TestReadmePrerequisitesInstalledBySetup(t *testing.T) {
	root := testenv.ModuleRoot()
	vars := makeVars(t, readLines(t, filepath.Join(root, "Makefile")))
	all, base := vars["APT_PACKAGES"], vars["APT_BASE"]
	if len(all) == 0 || len(base) == 0 {
		t.Fatalf("Makefile: APT_PACKAGES (%d words) or APT_BASE (%d words) is empty or missing", len(all), len(base))
	}
	named := readmePrereqs(section(readLines(t, filepath.Join(root, "README.md")), "## Install"))
	if len(named) == 0 {
		t.Fatal("README.md: the Install section has no `apt-get install` line naming the prerequisites")
	}
	for _, p := range named {
		if !slices.Contains(all, p) {
			t.Errorf("README.md names prerequisite %q, which the Makefile's APT_PACKAGES (make setup) does not install", p)
		}
	}
	for _, p := range base {
		if !slices.Contains(named, p) {
			t.Errorf("Makefile: APT_BASE package %q is not named in README.md's Install section prerequisites", p)
		}
	}
}

// TestCIRunsReadmeTestCommand fails when .ci/run does not call the test
// command the README gives.
func TestCIRunsReadmeTestCommand(t *testing.T) {
	root := testenv.ModuleRoot()
	var cmds []string
	for _, l := range codeLines(section(readLines(t, filepath.Join(root, "README.md")), "## The two commands")) {
		cmd, comment, _ := strings.Cut(l, "#")
		if strings.Contains(comment, "go test") {
			cmds = append(cmds, strings.Join(strings.Fields(cmd), " "))
		}
	}
	if len(cmds) != 1 {
		t.Fatalf("README.md: \"The two commands\" has %d commands whose comment names `go test` (%q), want 1", len(cmds), cmds)
	}
	for _, l := range readLines(t, filepath.Join(root, ".ci", "run")) {
		l = strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "exec ")), " ")
		if l == cmds[0] {
			return
		}
	}
	t.Errorf(".ci/run does not call the README's test command %q", cmds[0])
}

func TestSetupParsers(t *testing.T) {
	makefile := []string{
		"A := x \\",
		"\ty",
		"B ?= $(A) z",
		"target: $(B)",
		"\tC := not-a-variable-in-a-recipe",
	}
	readme := []string{
		"# title", "## Install", "text apt-get install no-code", "```sh",
		"# a shell comment, no heading",
		"apt-get install -y make python3-venv   # as root",
		"sudo apt-get install gcc && make setup",
		"```", "## Next", "```sh", "apt-get install elsewhere", "```",
	}
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"continuation", makeVars(t, makefile)["A"], []string{"x", "y"}},
		{"expansion", makeVars(t, makefile)["B"], []string{"x", "y", "z"}},
		{"recipe lines are no assignments", makeVars(t, makefile)["C"], nil},
		{"prerequisites of the section's code", readmePrereqs(section(readme, "## Install")), []string{"make", "python3-venv", "gcc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

var assignRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|=)\s*(.*)$`)
var refRE = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// makeVars reads the Makefile's top-level variable assignments (continued
// lines joined, $(NAME) references to earlier variables expanded) as words.
func makeVars(t *testing.T, lines []string) map[string][]string {
	t.Helper()
	vars := map[string][]string{}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, "\\") + " " + lines[i]
		}
		if strings.HasPrefix(l, "\t") {
			continue // a recipe line
		}
		m := assignRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		val := refRE.ReplaceAllStringFunc(m[2], func(ref string) string {
			return strings.Join(vars[refRE.FindStringSubmatch(ref)[1]], " ")
		})
		vars[m[1]] = strings.Fields(val)
	}
	return vars
}

// readmePrereqs returns the packages of the `apt-get install` lines in
// lines' code blocks, options and trailing comments or commands left out.
func readmePrereqs(lines []string) []string {
	var pkgs []string
	for _, l := range codeLines(lines) {
		_, rest, ok := strings.Cut(l, "apt-get install")
		if !ok {
			continue
		}
		rest, _, _ = strings.Cut(rest, "#")
		for _, w := range strings.Fields(rest) {
			if w == "&&" || w == ";" || w == "|" {
				break
			}
			if !strings.HasPrefix(w, "-") {
				pkgs = append(pkgs, w)
			}
		}
	}
	return pkgs
}

// section returns the lines under the heading head up to the next heading
// of the same or a higher level (shell comments in code blocks are no
// headings).
func section(lines []string, head string) []string {
	level := headingLevel(head)
	for i, l := range lines {
		if l != head {
			continue
		}
		in := false
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "```") {
				in = !in
			}
			if n := headingLevel(lines[j]); !in && n > 0 && n <= level {
				return lines[i+1 : j]
			}
		}
		return lines[i+1:]
	}
	return nil
}

// headingLevel is the number of leading #s of a Markdown heading, 0 for
// any other line.
func headingLevel(l string) int {
	n := len(l) - len(strings.TrimLeft(l, "#"))
	if n == 0 || !strings.HasPrefix(l[n:], " ") {
		return 0
	}
	return n
}

// codeLines returns the lines inside ``` fences.
func codeLines(lines []string) []string {
	var out []string
	in := false
	for _, l := range lines {
		if strings.HasPrefix(l, "```") {
			in = !in
			continue
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("archtest: %v", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("archtest: read %s: %v", path, err)
	}
	return lines
}
