package synth

import (
	"context"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// nativeVoices are the festival voices that read native-script text, with
// their Debian packages.
var nativeVoices = []struct {
	lang, dir, voice, pkg string
	script                *unicode.RangeTable
}{
	{"hi", "hindi", "hindi_NSK_diphone", "festvox-hi-nsk", unicode.Devanagari},
	{"mr", "marathi", "marathi_NSK_diphone", "festvox-mr-nsk", unicode.Devanagari},
	{"te", "telugu", "telugu_NSK_diphone", "festvox-te-nsk", unicode.Telugu},
	{"ru", "russian", "msu_ru_nsh_clunits", "festvox-ru", unicode.Cyrillic},
}

// requireVoice skips without the festival voice package, or fails when
// testenv.Required (`make test` installs every package).
func requireVoice(t *testing.T, dir, voice, pkg string) {
	t.Helper()
	testenv.Require(t, Festival)
	if _, err := os.Stat(filepath.Join(FestivalVoiceDir, dir, voice, "festvox")); err != nil {
		testenv.Missing(t, "festival voice %s not installed (Debian package %s): %v", voice, pkg, err)
	}
}

// festivalWords counts the non-empty Word items festival's own text
// analysis makes of text with voice: an independent check that it reads
// words, not bytes (the Hindi voice adds empty words for "।").
func festivalWords(t *testing.T, voice, text string) int {
	t.Helper()
	sc := "(voice_" + voice + ")(mapcar (lambda (w) (format t \"WORD %s\\n\" (item.name w))) (utt.relation.items (utt.synth (Utterance Text " + schemeString(text) + ")) 'Word))"
	out, err := run(exec.Command(Festival, "--pipe"), sc)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "WORD" {
			n++
		}
	}
	return n
}

// TestNativeVoices synthesizes one sentence per native-script voice, twice
// at speed 1 and once at 0.8, and checks the audio: identical runs, the
// length ratio of the slow run, 1.5-7 s, RMS of a speech signal
// (peak -3 dBFS; speech has a crest factor of 3-10, so RMS 0.07-0.24), a
// speaking rate of 0.04-0.2 s per letter (spelled-out bytes would take
// about 1 s per letter) and festival's word count equal to the text's.
func TestNativeVoices(t *testing.T) {
	for _, nv := range nativeVoices {
		t.Run(nv.lang, func(t *testing.T) {
			requireVoice(t, nv.dir, nv.voice, nv.pkg)
			text := SentencesIn(nv.lang, 1, 3)[0]
			s := Speaker{Voice: Voice{Engine: Festival, Name: nv.voice, Lang: nv.lang}, Pitch: 1, Speed: 1, Warp: 1}
			var y [3][]float32
			for k := range y {
				if k == 2 {
					s.Speed = 0.8 // Duration_Stretch 1.25
				}
				c := synthesize(context.Background(), s, []string{text}, t.TempDir())[0]
				if c.err != nil {
					t.Fatal(c.err)
				}
				y[k] = postprocess(c.x, c.rate, 1)
			}
			if !slices.Equal(y[0], y[1]) {
				t.Errorf("two syntheses of %q differ", text)
			}
			// Speed 0.8 lengthens the diphone voices' speech by 1.25 (pauses
			// too, within 5%); the clunits voice (FixedRate) keeps its length.
			want := 1.25
			if fixedRate[nv.voice] {
				want = 1
			}
			r := float64(len(y[2])) / float64(len(y[0]))
			t.Logf("%s: speed 0.8 / speed 1 length ratio %.3f", nv.voice, r)
			if math.Abs(r/want-1) > 0.05 {
				t.Errorf("speed 0.8 changes the length by %.3f, want %.2f", r, want)
			}
			d, rms := float64(len(y[0]))/Rate, 0.0
			for _, v := range y[0] {
				rms += float64(v) * float64(v)
			}
			rms = math.Sqrt(rms / float64(len(y[0])))
			letters := 0
			for _, r := range text {
				if unicode.IsLetter(r) || unicode.IsMark(r) {
					letters++
				}
			}
			words := festivalWords(t, nv.voice, text)
			t.Logf("%s: %q: %.2f s, RMS %.3f, %.3f s/letter, %d words", nv.voice, text, d, rms, d/float64(letters), words)
			if d < 1.5 || d > 7 || rms < 0.07 || rms > 0.24 || d/float64(letters) < 0.04 || d/float64(letters) > 0.2 {
				t.Errorf("%s: %.2f s, RMS %.3f, %.3f s per letter", nv.voice, d, rms, d/float64(letters))
			}
			if n := len(strings.Fields(text)); words != n {
				t.Errorf("festival made %d words of %q, want %d", words, text, n)
			}
		})
	}
}

// TestGenerateNativeMetadata generates one utterance per festival base
// voice and checks that each native-script voice is a base voice (group) of
// its own whose speakers.tsv row and utterances.tsv rows record its
// language, with text in its script; the clunits voice's speed is its warp.
func TestGenerateNativeMetadata(t *testing.T) {
	testenv.Require(t, Festival)
	bases, err := Discover(context.Background(), []string{Festival}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "corpus")
	res, err := Generate(context.Background(), Options{Speakers: len(bases), Utterances: 1, Out: out, Seed: 2, Engines: []string{Festival}})
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
	ut, _ := os.ReadFile(filepath.Join(out, "utterances.tsv"))
	for _, nv := range nativeVoices {
		if _, err := os.Stat(filepath.Join(FestivalVoiceDir, nv.dir, nv.voice)); err != nil {
			requireVoice(t, nv.dir, nv.voice, nv.pkg) // skips or fails
		}
		i := slices.IndexFunc(res.Speakers, func(s Speaker) bool { return s.Voice.Name == nv.voice })
		if i < 0 {
			t.Errorf("no speaker for %s among %d", nv.voice, len(res.Speakers))
			continue
		}
		s, u := res.Speakers[i], res.Utts[i]
		want := strings.Join([]string{s.ID, "festival/" + nv.voice, Festival, nv.voice}, "\t")
		if f := tsvRow(string(sp), s.ID); len(f) != 8 || strings.Join(f[:4], "\t") != want || f[7] != nv.lang {
			t.Errorf("speakers.tsv row %q, want %s ... %s", f, want, nv.lang)
		}
		if f := tsvRow(string(ut), u.ID); u.Lang != nv.lang || len(f) != 5 || f[1] != s.ID || f[3] != nv.lang || f[4] != u.Text {
			t.Errorf("utterances.tsv row %q, want %s %s %q", f, s.ID, nv.lang, u.Text)
		}
		if r := []rune(u.Text)[0]; !unicode.Is(nv.script, r) {
			t.Errorf("%s reads %q, not in its script", nv.voice, u.Text)
		}
		if s.Voice.FixedRate != (nv.voice == "msu_ru_nsh_clunits") || s.Voice.FixedRate && s.Speed != s.EngineWarp() {
			t.Errorf("%s: fixed rate %v, speed %.2f, warp %.2f", nv.voice, s.Voice.FixedRate, s.Speed, s.EngineWarp())
		}
	}
}

// tsvRow is the tab-separated fields of the line of table starting with key.
func tsvRow(table, key string) []string {
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Split(line, "\t"); f[0] == key {
			return f
		}
	}
	return nil
}
