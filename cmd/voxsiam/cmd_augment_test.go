package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/augment"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

func runAugmentCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var so, se bytes.Buffer
	err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam", "augment"}, args...))
	if err != nil {
		se.WriteString(err.Error())
	}
	return so.String(), se.String(), exitCode(context.Background(), err)
}

func TestAugmentCommand(t *testing.T) {
	in, _ := toneCorpus(t, map[string]string{"b/zz-broken.wav": "RIFF\x10\x00\x00\x00WAVEjunk", "speakers.tsv": "speaker\tgroup\na\tg1\nb\tg1\n"})
	out := filepath.Join(t.TempDir(), "aug")
	args := []string{"--in", in, "--out", out, "--copies", "speed,noise,telephone", "--speed-factors", "0.9", "--noise-snr", "5:10", "--json"}
	so, se, code := runAugmentCLI(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, se)
	}
	var sum augment.RunSummary
	if err := json.Unmarshal([]byte(so), &sum); err != nil {
		t.Fatal(err, so)
	}
	// 9 utterances x (clean, sp0.9, noise, telephone); speakers a b c and sp0.9-a/b/c
	if sum.Utterances != 10 || sum.Written != 36 || sum.Speakers != 6 || len(sum.Skipped) != 1 ||
		!strings.Contains(sum.Skipped[0].Source, "zz-broken.wav") || sum.Layout != "plain" {
		t.Errorf("summary %+v", sum)
	}
	items, err := dataset.Scan(out, dataset.Plain)
	if err != nil || len(items) != 36 {
		t.Fatalf("output scans to %d items (%v)", len(items), err)
	}
	b, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
	if !strings.Contains(string(b), "sp0.9-a\tg1\n") || !strings.Contains(string(b), "sp0.9-c\tc\n") {
		t.Errorf("speakers.tsv:\n%s", b)
	}

	// The same command again resumes: nothing left to write.
	so, _, code = runAugmentCLI(t, args...)
	if err := json.Unmarshal([]byte(so), &sum); err != nil || code != exitOK || sum.Written != 0 || sum.Existing != 36 {
		t.Errorf("rerun: exit %d, summary %+v", code, sum)
	}
	// Text summary names the skipped file.
	so, _, _ = runAugmentCLI(t, args[:len(args)-1]...)
	if !strings.Contains(so, "zz-broken.wav") || !strings.Contains(so, "telephone") {
		t.Errorf("text summary:\n%s", so)
	}
}

func TestAugmentCommandErrors(t *testing.T) {
	in, _ := toneCorpus(t, map[string]string{"b/zz-broken.wav": "RIFF\x10\x00\x00\x00WAVEjunk"})
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"strict", []string{"--out", t.TempDir() + "/o", "--strict", "--copies", "noise"}, exitData, "zz-broken.wav"},
		{"out inside in", []string{"--out", filepath.Join(in, "aug")}, exitUsage, "inside"},
		{"unknown copy", []string{"--out", t.TempDir() + "/o", "--copies", "chorus"}, exitUsage, "chorus"},
		{"bad range", []string{"--out", t.TempDir() + "/o", "--noise-snr", "15:0"}, exitUsage, "noise-snr"},
		{"bad rt60", []string{"--out", t.TempDir() + "/o", "--rt60", "0:1"}, exitUsage, "rt60"},
		{"unknown codec", []string{"--out", t.TempDir() + "/o", "--codecs", "mulaw,amr"}, exitUsage, "amr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, se, code := runAugmentCLI(t, append([]string{"--in", in}, c.args...)...)
			if code != c.code || !strings.Contains(se, c.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, se, c.msg)
			}
		})
	}
}

// TestAugmentGSM: --codecs gsm writes the telephone copies through the GSM
// 06.10 codec (sox): same length as the clean copies, different samples
// from a mu-law run of the same seed.
func TestAugmentGSM(t *testing.T) {
	testenv.Require(t, "sox")
	in, _ := toneCorpus(t, map[string]string{"speakers.tsv": "speaker\tgroup\na\tg1\nb\tg1\n"})
	read := func(codec string) map[string][]byte {
		out := filepath.Join(t.TempDir(), codec)
		if _, se, code := runAugmentCLI(t, "--in", in, "--out", out, "--copies", "telephone", "--codecs", codec, "--json"); code != exitOK {
			t.Fatalf("--codecs %s: exit %d: %s", codec, code, se)
		}
		files := map[string][]byte{}
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if strings.HasSuffix(p, "-telephone.wav") {
				files[strings.TrimPrefix(p, out)], _ = os.ReadFile(p)
			}
			return err
		})
		return files
	}
	gsm, mu := read("gsm"), read("mulaw")
	if len(gsm) == 0 || len(gsm) != len(mu) {
		t.Fatalf("%d gsm and %d mulaw telephone copies", len(gsm), len(mu))
	}
	for name, g := range gsm {
		if len(g) != len(mu[name]) || bytes.Equal(g, mu[name]) {
			t.Errorf("%s: gsm copy %d bytes, mulaw %d bytes, equal %v", name, len(g), len(mu[name]), bytes.Equal(g, mu[name]))
		}
	}
}
