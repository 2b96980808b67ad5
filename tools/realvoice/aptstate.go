package realvoice

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// PrivateComponents are the archive components a private apt state adds to
// main: the recordings of uqm-voice and the MBROLA and RHVoice voices are in
// non-free, the mbrola engine in contrib.
var PrivateComponents = []string{"contrib", "non-free"}

// PrivateApt is an apt state of its own under Dir: a sources.list derived
// from the machine's sources (same URIs, suites and keyrings; components
// main, contrib and non-free), package lists and a download cache, all
// passed to apt-get and apt-cache with -o options. The system's apt
// configuration and lists are never written. Layout:
//
//	Dir/sources.list      derived sources (PrivateSources)
//	Dir/sources.list.d/   empty: no system parts are read
//	Dir/lists/            package lists of `apt-get update`
//	Dir/cache/            apt's cache (pkgcache.bin, archives/)
type PrivateApt struct {
	Dir string
	Etc string // system apt configuration to derive from; "" means /etc/apt
}

// Options are the -o options that point apt at the private state. The
// paths are absolute: apt reads a relative Dir::Etc path under /etc/apt
// (only warning that it is missing) and runs downloads in another
// directory, so a relative Dir (`--cache debs`) would silently fall back to
// nothing.
func (p PrivateApt) Options() []string {
	dir := p.Dir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return []string{
		"-o", "Dir::Etc::SourceList=" + filepath.Join(dir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=" + filepath.Join(dir, "sources.list.d"),
		"-o", "Dir::State::Lists=" + filepath.Join(dir, "lists"),
		"-o", "Dir::Cache=" + filepath.Join(dir, "cache"),
	}
}

// Prepare writes the private sources.list from the system's sources and
// creates the directories apt expects.
func (p PrivateApt) Prepare() error {
	etc := p.Etc
	if etc == "" {
		etc = "/etc/apt"
	}
	sys, err := ReadSystemSources(etc)
	if err != nil {
		return err
	}
	list, err := PrivateSources(sys, PrivateComponents)
	if err != nil {
		return fmt.Errorf("%w (in %s)", err, etc)
	}
	for _, d := range []string{"sources.list.d", "lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(p.Dir, d), 0o755); err != nil {
			return fmt.Errorf("realvoice: private apt state: %w", err)
		}
	}
	return os.WriteFile(filepath.Join(p.Dir, "sources.list"), []byte(list), 0o644)
}

// Updated reports whether `apt-get update` has filled the private lists.
func (p PrivateApt) Updated() bool {
	m, _ := filepath.Glob(filepath.Join(p.Dir, "lists", "*_Packages*"))
	return len(m) > 0
}

// Update runs Prepare and `apt-get update` on the private state.
func (p PrivateApt) Update(ctx context.Context) error {
	if err := p.Prepare(); err != nil {
		return err
	}
	if _, err := p.run(ctx, "", "apt-get", "update"); err != nil {
		return err
	}
	if !p.Updated() {
		return fmt.Errorf("realvoice: apt-get update (private state %s) left no package lists in %s",
			p.Dir, filepath.Join(p.Dir, "lists"))
	}
	return nil
}

// Ensure runs Update unless the private lists exist.
func (p PrivateApt) Ensure(ctx context.Context) error {
	if p.Updated() {
		return nil
	}
	return p.Update(ctx)
}

// Download fetches pkg's .deb into dir with `apt-get download`.
func (p PrivateApt) Download(ctx context.Context, dir, pkg string) error {
	if IsReserved(pkg) {
		return fmt.Errorf("package %s is reserved for independent evaluation", pkg)
	}
	_, err := p.run(ctx, dir, "apt-get", "download", pkg)
	return err
}

// Search lists "package - description" lines of `apt-cache search regex`.
func (p PrivateApt) Search(ctx context.Context, regex string) ([]string, error) {
	out, err := p.run(ctx, "", "apt-cache", "search", regex)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

func (p PrivateApt) run(ctx context.Context, dir, tool string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, tool, append(p.Options(), args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = lastLine(ee.Stderr)
		}
		return nil, fmt.Errorf("%s %s (private state %s): %v: %s", tool, strings.Join(args, " "), p.Dir, err, msg)
	}
	return out, nil
}
