package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnrollIdentify: two synthetic voices enrolled with two utterances
// each; held-out utterances of each are identified as their speaker, a
// third voice is "unknown" at the model's calibrated threshold (exit 4
// with --exit-status); re-enrolling replaces, removing works, --list counts.
func TestEnrollIdentify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "db")
	var held []string
	for s, name := range []string{"ann", "ben", "cat"} {
		var files []string
		for u := 0; u < 3; u++ {
			files = append(files, writeVoice(t, filepath.Join(dir, name), "u"+itoa(u), testVoices[s], 2.5, uint64(10*s+u)))
		}
		held = append(held, files[2])
		if name == "cat" {
			continue
		}
		if _, se, code := runCLI3(append([]string{"enroll", "--db", db, "--speaker", name}, files[:2]...)...); code != 0 {
			t.Fatalf("enroll %s: exit %d: %s", name, code, se)
		}
	}
	so, se, code := runCLI3(append([]string{"identify", "--db", db, "--json", "--exit-status"}, held...)...)
	if code != exitRejected {
		t.Errorf("identify: exit %d, want %d (cat is unknown): %s", code, exitRejected, se)
	}
	want := []string{"ann", "ben", Unknown}
	lines := strings.Split(strings.TrimSpace(so), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 answers, got\n%s", so)
	}
	for i, l := range lines {
		var r identified
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Speaker != want[i] || r.File != held[i] || len(r.Top) != 2 {
			t.Errorf("%s: %+v, want %s with 2 ranked", held[i], r, want[i])
		}
	}
	// Re-enrolling ann with one utterance replaces her two.
	if so, _, code := runCLI3("enroll", "--db", db, "--speaker", "ann", held[0]); code != 0 || !strings.Contains(so, "re-enrolled") {
		t.Errorf("re-enroll: exit %d: %s", code, so)
	}
	if so, _, _ := runCLI3("enroll", "--db", db, "--list"); so != "ann\t1\nben\t2\n" {
		t.Errorf("--list: %q", so)
	}
	if _, se, code := runCLI3("enroll", "--db", db, "--remove", "nobody"); code != exitUsage || !strings.Contains(se, `"nobody" is not enrolled`) {
		t.Errorf("remove unknown: exit %d %s", code, se)
	}
	for _, n := range []string{"ann", "ben"} {
		if _, se, code := runCLI3("enroll", "--db", db, "--remove", n); code != 0 {
			t.Fatalf("remove %s: %s", n, se)
		}
	}
	if _, se, code := runCLI3("identify", "--db", db, held[0]); code != exitUsage || !strings.Contains(se, "no enrolled speakers") {
		t.Errorf("empty db: exit %d %s", code, se)
	}
}

// TestEnrollBadInput: a foreign directory as --db, a corrupt db.json, a
// corrupt or silent file, a bad name and a missing db give clear errors,
// and the directory's files are untouched.
func TestEnrollBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeVoice(t, dir, "good", testVoices[0], 2, 1)
	bad := filepath.Join(dir, "bad.wav")
	embedWrite(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	silent := filepath.Join(dir, "silent.wav")
	toneWAV(t, silent, 1, 16000, 0)
	foreign := t.TempDir()
	embedWrite(t, filepath.Join(foreign, "thesis.tex"), []byte("mine"))
	corrupt := filepath.Join(t.TempDir(), "db")
	if _, se, code := runCLI3("enroll", "--db", corrupt, "--speaker", "ann", good); code != 0 {
		t.Fatal(se)
	}
	embedWrite(t, filepath.Join(corrupt, "db.json"), []byte("{broken"))
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"foreign db", []string{"enroll", "--db", foreign, "--speaker", "ann", good}, exitData, "not a voxsiam speaker database"},
		{"corrupt db", []string{"identify", "--db", corrupt, good}, exitData, "corrupt"},
		{"corrupt audio", []string{"enroll", "--db", filepath.Join(t.TempDir(), "d"), "--speaker", "ann", bad}, exitData, bad},
		{"silent audio", []string{"enroll", "--db", filepath.Join(t.TempDir(), "d"), "--speaker", "ann", silent}, exitData, "silent"},
		{"bad name", []string{"enroll", "--db", filepath.Join(t.TempDir(), "d"), "--speaker", "../x", good}, exitUsage, "speaker name"},
		{"missing db", []string{"identify", "--db", filepath.Join(t.TempDir(), "none"), good}, exitData, "enroll speakers first"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, se, code := runCLI3(c.args...)
			if code != c.code || !strings.Contains(se, c.want) {
				t.Errorf("exit %d (want %d): %s\nwant %q", code, c.code, se, c.want)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "thesis.tex")); string(b) != "mine" {
		t.Error("the foreign directory's file changed")
	}
	if ents, _ := os.ReadDir(foreign); len(ents) != 1 {
		t.Errorf("the foreign directory gained files: %v", ents)
	}
	if b, _ := os.ReadFile(filepath.Join(corrupt, "db.json")); string(b) != "{broken" {
		t.Error("the corrupt db.json was rewritten")
	}
}
