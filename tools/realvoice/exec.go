package realvoice

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Sox converts with sox(1): any format sox reads (Ogg Vorbis, WAV, FLAC) to
// 16 kHz mono 16-bit signed PCM WAV, channels averaged, sox's default
// high-quality rate conversion, no dither (-D) and repeatable (-R).
type Sox struct{}

// Convert implements Converter.
func (Sox) Convert(ctx context.Context, data []byte, name, out string) (int, error) {
	in, cleanup, err := tempInput(data, name)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	rate, err := soxRate(ctx, in)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "sox", "-R", "-D", "-V1", in, "-t", "wav", "-r", "16000", "-c", "1",
		"-b", "16", "-e", "signed-integer", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("sox: %v: %s", err, strings.TrimSpace(string(msg)))
	}
	return rate, nil
}

// Probe implements Converter.
func (Sox) Probe(ctx context.Context, data []byte, name string) (int, error) {
	in, cleanup, err := tempInput(data, name)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	return soxRate(ctx, in)
}

func soxRate(ctx context.Context, in string) (int, error) {
	msg, err := exec.CommandContext(ctx, "sox", "--i", "-r", in).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("sox --i: %v: %s", err, strings.TrimSpace(string(msg)))
	}
	r, err := strconv.ParseFloat(strings.TrimSpace(string(msg)), 64)
	if err != nil || r <= 0 {
		return 0, fmt.Errorf("sox --i: no sample rate in %q", strings.TrimSpace(string(msg)))
	}
	return int(r), nil
}

// tempInput writes data to a temporary file with name's extension (sox
// picks the format from it).
func tempInput(data []byte, name string) (string, func(), error) {
	f, err := os.CreateTemp("", "realvoice-*"+strings.ToLower(path.Ext(name)))
	if err != nil {
		return "", nil, err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return "", nil, fmt.Errorf("realvoice: temporary copy of %s: %v %v", name, werr, cerr)
	}
	return f.Name(), func() { os.Remove(f.Name()) }, nil
}

// AptUnpacker fetches packages by name with `apt-get download` into Cache
// and unpacks each with `dpkg-deb -x` into Cache/<package>; both steps are
// skipped when an earlier run finished them. Nothing is installed. With
// Apt set, downloads go through that private apt state (contrib and
// non-free reachable without touching the system's configuration), falling
// back to the machine's own apt state when the private one fails.
type AptUnpacker struct {
	Cache string
	Apt   *PrivateApt
}

// Unpack implements Unpacker.
func (a AptUnpacker) Unpack(ctx context.Context, pkg string) (string, error) {
	if IsReserved(pkg) {
		return "", fmt.Errorf("package %s is reserved for independent evaluation", pkg)
	}
	root := filepath.Join(a.Cache, pkg)
	if _, err := os.Stat(filepath.Join(root, ".unpacked")); err == nil {
		return root, nil
	}
	debs := filepath.Join(a.Cache, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return "", err
	}
	deb, err := findDeb(debs, pkg)
	if err != nil {
		return "", err
	}
	if deb == "" {
		if err := a.download(ctx, debs, pkg); err != nil {
			return "", err
		}
		if deb, err = findDeb(debs, pkg); err != nil || deb == "" {
			return "", fmt.Errorf("apt-get download %s left no %s_*.deb in %s", pkg, pkg, debs)
		}
	}
	if err := os.RemoveAll(root); err != nil {
		return "", err
	}
	if msg, err := exec.CommandContext(ctx, "dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb -x %s: %v: %s", deb, err, lastLine(msg))
	}
	return root, os.WriteFile(filepath.Join(root, ".unpacked"), []byte(filepath.Base(deb)+"\n"), 0o644)
}

func (a AptUnpacker) download(ctx context.Context, dir, pkg string) error {
	var perr error
	if a.Apt != nil {
		if perr = a.Apt.Ensure(ctx); perr == nil {
			if perr = a.Apt.Download(ctx, dir, pkg); perr == nil {
				return nil
			}
		}
	}
	// the machine's own apt state: the only one without Apt, the fallback
	// when the private one cannot be set up (no Debian archive source)
	cmd := exec.CommandContext(ctx, "apt-get", "download", pkg)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		err = fmt.Errorf("apt-get download %s: %v: %s (run apt-get update first?)", pkg, err, lastLine(msg))
		if perr != nil {
			return fmt.Errorf("%w; with the system's apt state: %w", perr, err)
		}
		return err
	}
	return nil
}

func findDeb(dir, pkg string) (string, error) {
	m, err := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
	if err != nil || len(m) == 0 {
		return "", err
	}
	return m[len(m)-1], nil
}

func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return string(bytes.TrimSpace([]byte(s)))
}
