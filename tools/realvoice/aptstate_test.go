package realvoice

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// fakeApt puts an apt-get on PATH that logs its arguments to the returned
// file and, for "download <pkg>", copies a real .deb (built with dpkg-deb
// -b, holding usr/share/x/hello.txt) into the working directory.
func fakeApt(t *testing.T) (log string) {
	t.Helper()
	testenv.Require(t, "dpkg-deb")
	d := t.TempDir()
	tree := filepath.Join(d, "tree")
	write(t, filepath.Join(tree, "DEBIAN/control"), []byte("Package: voice-pkg\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n"))
	write(t, filepath.Join(tree, "usr/share/x/hello.txt"), []byte("hello"))
	deb := filepath.Join(d, "voice.deb")
	if msg, err := exec.Command("dpkg-deb", "-b", tree, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -b: %v %s", err, msg)
	}
	log = filepath.Join(d, "apt.log")
	bin := filepath.Join(d, "bin")
	write(t, filepath.Join(bin, "apt-get"), []byte("#!/bin/sh\necho \"$@\" >> "+log+"\n"+
		"for last; do case $last in Dir::State::Lists=*) lists=${last#Dir::State::Lists=};; esac; done\n"+
		"case \" $* \" in *\" download \"*) cp "+deb+" \"./${last}_1.0_all.deb\";;\n"+
		"*\" update \"*) [ -z \"$lists\" ] || [ -n \"$FAKE_APT_NO_LISTS\" ] || touch \"$lists/x_bookworm_main_binary-amd64_Packages\";; esac\n"))
	if err := os.Chmod(filepath.Join(bin, "apt-get"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// TestAptUnpackerPrivate: with a private state, apt-get update and download
// run with the four -o options pointing into it, the package is unpacked,
// and a second Unpack downloads nothing; without a Debian archive source
// the download falls back to the machine's apt state (no -o options).
func TestAptUnpackerPrivate(t *testing.T) {
	log := fakeApt(t)
	etc := t.TempDir()
	write(t, filepath.Join(etc, "sources.list.d/debian.sources"), []byte(fixtureDeb822))
	cache := t.TempDir()
	apt := &PrivateApt{Dir: filepath.Join(cache, "apt"), Etc: etc}
	unp := AptUnpacker{Cache: cache, Apt: apt}
	root, err := unp.Unpack(context.Background(), "voice-pkg")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "usr/share/x/hello.txt")); err != nil || string(b) != "hello" {
		t.Errorf("unpacked file: %q, %v", b, err)
	}
	lines := strings.Split(strings.TrimSpace(readString(t, log)), "\n")
	opts := strings.Join(apt.Options(), " ")
	if len(lines) != 2 || lines[0] != opts+" update" || lines[1] != opts+" download voice-pkg" {
		t.Errorf("apt-get calls:\n%s\nwant update and download with %q", strings.Join(lines, "\n"), opts)
	}
	if _, err := unp.Unpack(context.Background(), "voice-pkg"); err != nil || len(strings.Split(strings.TrimSpace(readString(t, log)), "\n")) != 2 {
		t.Errorf("second Unpack: err %v, apt-get called again:\n%s", err, readString(t, log))
	}
	// an update that leaves no package lists is an error, not a silent
	// fall-through to "Unable to locate package"
	t.Setenv("FAKE_APT_NO_LISTS", "1")
	empty := PrivateApt{Dir: filepath.Join(t.TempDir(), "apt"), Etc: etc}
	if err := empty.Update(context.Background()); err == nil || !strings.Contains(err.Error(), "left no package lists") {
		t.Errorf("update without lists: err %v, want \"left no package lists\"", err)
	}
	t.Setenv("FAKE_APT_NO_LISTS", "")
	// no Debian archive source: Prepare fails, the system's apt-get is used
	os.Remove(log)
	bad := AptUnpacker{Cache: t.TempDir(), Apt: &PrivateApt{Dir: filepath.Join(t.TempDir(), "apt"), Etc: t.TempDir()}}
	if _, err := bad.Unpack(context.Background(), "voice-pkg"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(readString(t, log)); got != "download voice-pkg" {
		t.Errorf("fallback apt-get call %q, want \"download voice-pkg\"", got)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
