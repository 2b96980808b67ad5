package synth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixtureAptMbrola is `apt-cache search ^mbrola` output through the private
// apt state (bookworm contrib/non-free), a few lines of it.
var fixtureAptMbrola = []string{
	"festvox-us1 - mbrola-us1 voice support for festival",
	"mbrola - Multilingual software speech synthesizer",
	"mbrola-de1 - German female voice for Mbrola",
	"mbrola-de8 - German-Bavarian male voice for Mbrola",
	"mbrola-af1 - Afrikaans male voice for Mbrola",
	"mbrola-us1 - American English female voice for Mbrola",
}

func TestParseMbrolaPackages(t *testing.T) {
	got, err := ParseMbrolaPackages(fixtureAptMbrola)
	if err != nil {
		t.Fatal(err)
	}
	want := []MbrolaDB{{"af1", "mbrola-af1", "Afrikaans", "male"}, {"de1", "mbrola-de1", "German", "female"},
		{"de8", "mbrola-de8", "German-Bavarian", "male"}, {"us1", "mbrola-us1", "American English", "female"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("databases (-want +got):\n%s", d)
	}
	if _, err := ParseMbrolaPackages([]string{"mbrola-xx1 - Some voice for Mbrola"}); err == nil || !strings.Contains(err.Error(), "mbrola-xx1") {
		t.Errorf("line without a sex: err %v, want one quoting the line", err)
	}
}

// Voice files as espeak-ng 1.51 ships them (voices/mb/), trimmed.
var fixtureVoiceDefs = map[string]string{
	"mb-de4-en": "name german-mbrola-4-en\nlanguage en 9\ngender male\nmbrola de4 de4_phtrans\n",
	"mb-de4":    "name german-mbrola-4\nlanguage de 6\ngender male\nmbrola de4 de4_phtrans\n",
	"mb-us1":    "name us-mbrola-1\nlanguage en-us\nlanguage en 8\ngender female\nmbrola us1 us_phtrans\n",
	"mb-in1":    "name hindi-mbrola-1\nlanguage hi 1\ngender male\nmbrola in1 in_phtrans\n",
	"mb-fr1":    "name french-mbrola-1\nlanguage fr-fr 7\nlanguage fr 7\ngender male\nmbrola fr1 fr_phtrans\n",
	"mb-us2":    "name us-mbrola-2\nlanguage en-us\ngender male\nmbrola us2 us_phtrans\n",
}

// mbrolaFixture lays out a voice directory and a prepared data directory
// with the databases dbs, and points the package variables at them.
func mbrolaFixture(t *testing.T, dbs ...string) {
	t.Helper()
	d := t.TempDir()
	sys := filepath.Join(d, "espeak-ng-data")
	for name, text := range fixtureVoiceDefs {
		writeFile(t, filepath.Join(sys, "voices", "mb", name), text)
	}
	writeFile(t, filepath.Join(sys, "phontab"), "x")
	bin := filepath.Join(d, "bin")
	writeFile(t, filepath.Join(bin, "mbrola"), "#!/bin/sh\n")
	files := map[string]string{}
	for _, db := range dbs {
		files[db] = filepath.Join(d, "db", db, db)
		writeFile(t, files[db], "diphones")
	}
	oldVoices, oldData, oldBin := EspeakVoiceDir, MbrolaDataDir, MbrolaBinDir
	t.Cleanup(func() { EspeakVoiceDir, MbrolaDataDir, MbrolaBinDir = oldVoices, oldData, oldBin })
	EspeakVoiceDir = filepath.Join(sys, "voices")
	if err := PrepareMbrola(filepath.Join(d, "private"), sys, bin, files); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestMbrolaBaseVoices: one base voice per prepared database that reads
// English (de4 through mb-de4-en only); fr1 has no such voice, in1 reads
// only Hindi (left out: missing diphones), us2 has no prepared database.
func TestMbrolaBaseVoices(t *testing.T) {
	mbrolaFixture(t, "de4", "us1", "in1", "fr1")
	got, err := MbrolaBaseVoices()
	if err != nil {
		t.Fatal(err)
	}
	want := []BaseVoice{
		{Name: "mbrola/de4", Voices: []Voice{{Engine: Mbrola, Name: "mb-de4-en", Lang: "en"}}},
		{Name: "mbrola/us1", Voices: []Voice{{Engine: Mbrola, Name: "mb-us1", Lang: "en"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("base voices (-want +got):\n%s", d)
	}
	// the private data dir mirrors the system's and links the databases
	if l, err := os.Readlink(filepath.Join(MbrolaDataDir, "espeak-ng-data", "phontab")); err != nil || !strings.HasSuffix(l, "phontab") {
		t.Errorf("phontab link %q, %v", l, err)
	}
	readable, err := MbrolaReadable([]MbrolaDB{{DB: "de4"}, {DB: "fr1"}, {DB: "in1"}, {DB: "us2"}, {DB: "zz9"}})
	if err != nil || len(readable) != 2 || readable[0].DB != "de4" || readable[1].DB != "us2" {
		t.Errorf("readable %v, %v: want de4 and us2", readable, err)
	}
	if err := PrepareMbrola(t.TempDir(), t.TempDir(), t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "mbrola program") {
		t.Errorf("PrepareMbrola without the program: err %v", err)
	}
	if _, err := ParseMbrolaVoiceDef("en-us", []byte("name english\nlanguage en\n")); err == nil || !strings.Contains(err.Error(), "en-us") {
		t.Errorf("non-mbrola voice file: err %v, want one naming it", err)
	}
}

// TestMbrolaSpeakLive synthesizes with a real database when
// VOXSIAM_MBROLA_CACHE names a cache that scripts/timbre_corpus.go -engine mbrola filled
// (the databases are non-free downloads, not part of `make setup`): one
// sentence each from us1, documented female, and us2, documented male; the
// autocorrelation F0 of the loudest 100 ms must lie above 150 Hz for us1
// and below it for us2.
func TestMbrolaSpeakLive(t *testing.T) {
	cache := liveCache(t, "VOXSIAM_MBROLA_CACHE")
	oldData, oldBin := MbrolaDataDir, MbrolaBinDir
	t.Cleanup(func() { MbrolaDataDir, MbrolaBinDir = oldData, oldBin })
	MbrolaDataDir, MbrolaBinDir = filepath.Join(cache, "espeak"), filepath.Join(cache, "mbrola", "usr", "bin")
	for _, c := range []struct {
		voice  string
		female bool
	}{{"mb-us1", true}, {"mb-us2", false}} {
		s := Speaker{Voice: Voice{Engine: Mbrola, Name: c.voice, Lang: "en"}, Pitch: 1, Speed: 1, Warp: 1}
		cl := mbrolaSpeak(context.Background(), s, []string{"The quick brown fox jumps over the lazy dog."})[0]
		if cl.err != nil {
			t.Fatal(cl.err)
		}
		if cl.rate != 16000 || len(cl.x) < 16000 {
			t.Fatalf("%s: %d samples at %d Hz, want > 1 s at 16 kHz", c.voice, len(cl.x), cl.rate)
		}
		if f0 := loudestF0(cl.x, cl.rate); (f0 > 150) != c.female {
			t.Errorf("%s: F0 %.0f Hz, female=%v", c.voice, f0, c.female)
		}
	}
}

// liveCache is the cache directory the environment variable env names;
// the test is skipped without it.
func liveCache(t *testing.T, env string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		t.Skip(env + " not set")
	}
	return dir
}

// loudestF0 is the autocorrelation F0 (60-400 Hz) of the loudest 100 ms of x.
func loudestF0(x []float32, rate int) float64 {
	w := rate / 10
	best, at := 0.0, 0
	for i := 0; i+w <= len(x); i += w / 2 {
		e := 0.0
		for _, v := range x[i : i+w] {
			e += float64(v) * float64(v)
		}
		if e > best {
			best, at = e, i
		}
	}
	seg := x[at : at+w]
	bestLag, bestR := 0, -1.0
	for lag := rate / 400; lag <= rate/60; lag++ {
		r := 0.0
		for i := lag; i < len(seg); i++ {
			r += float64(seg[i]) * float64(seg[i-lag])
		}
		if r > bestR {
			bestR, bestLag = r, lag
		}
	}
	return float64(rate) / float64(bestLag)
}
