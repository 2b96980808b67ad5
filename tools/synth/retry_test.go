package synth

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEngine "speaks" a 0.3 s tone whose pitch depends on the text, and
// fails on the texts in bad and on everything voice "broken" says.
func fakeEngine(bad map[string]bool) engine {
	return func(ctx context.Context, s Speaker, texts []string, tmp string) []clip {
		out := make([]clip, len(texts))
		for i, t := range texts {
			if bad[t] || s.Voice.Name == "broken" {
				out[i].err = fmt.Errorf("fake voice %s cannot say %q", s.Voice.Name, t)
				continue
			}
			h := fnv.New32a()
			h.Write([]byte(t))
			f := 100 + float64(h.Sum32()%200)
			x := make([]float32, 4800)
			for k := range x {
				x[k] = float32(0.5 * math.Sin(2*math.Pi*f*float64(k)/Rate))
			}
			out[i] = clip{x: x, rate: Rate}
		}
		return out
	}
}

func fakeBases(names ...string) []BaseVoice {
	var bases []BaseVoice
	for _, n := range names {
		bases = append(bases, BaseVoice{Name: n, Voices: []Voice{{Engine: EspeakNG, Name: n, Lang: "en"}}})
	}
	return bases
}

// TestGenerateEngineFailures: a sentence the engine fails on is replaced
// (twice in a row here), the other utterances are those of a run without
// failures, a voice that always fails loses its speaker, and the run
// completes with the replacements and skips in the result and the log.
func TestGenerateEngineFailures(t *testing.T) {
	opts := Options{Speakers: 3, Utterances: 4, Seed: 7}
	run := func(bases []BaseVoice, bad map[string]bool) (*Result, string, string, error) {
		o := opts
		o.Out = filepath.Join(t.TempDir(), "corpus")
		var log strings.Builder
		res, err := generate(context.Background(), o, bases, fakeEngine(bad), &log)
		return res, o.Out, log.String(), err
	}
	clean, cleanDir, _, err := run(fakeBases("good", "flaky", "broken2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The flaky speaker's second sentence fails, and so does its first replacement.
	var flaky Speaker
	var index int // in the plan
	for i, s := range clean.Speakers {
		if s.Base == "flaky" {
			flaky, index = s, i
		}
	}
	utt := flaky.ID + "/" + uttName(flaky, 1)
	texts := map[string]string{}
	for _, u := range clean.Utts {
		texts[u.ID] = u.Text
	}
	first := texts[utt]
	spare := pickTexts(SentencesIn("en", 600, opts.Seed), opts.Seed, index)[opts.Utterances:]
	bad := map[string]bool{first: true, spare[0]: true}

	res, dir, log, err := run(fakeBases("good", "flaky", "broken"), bad)
	if err != nil {
		t.Fatal(err)
	}
	want := []Replaced{
		{Utt: utt, Voice: "espeak-ng flaky", Text: first, By: spare[0], Err: fmt.Sprintf("fake voice flaky cannot say %q", first)},
		{Utt: utt, Voice: "espeak-ng flaky", Text: spare[0], By: spare[1], Err: fmt.Sprintf("fake voice flaky cannot say %q", spare[0])},
	}
	if fmt.Sprint(res.Replaced) != fmt.Sprint(want) {
		t.Errorf("Replaced = %+v\nwant %+v", res.Replaced, want)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Voice != "espeak-ng broken" || !strings.Contains(res.Skipped[0].Err, "cannot say") {
		t.Fatalf("Skipped = %+v, want the speaker of voice broken", res.Skipped)
	}
	skipped := res.Skipped[0].Speaker
	if len(res.Speakers) != 2 || res.BaseVoices != 2 || len(res.Utts) != 8 {
		t.Errorf("%d speakers of %d base voices, %d utterances; want 2, 2, 8", len(res.Speakers), res.BaseVoices, len(res.Utts))
	}
	for _, u := range res.Utts {
		wantText := texts[u.ID]
		if u.ID == utt {
			wantText = spare[1]
		}
		if u.Text != wantText {
			t.Errorf("%s says %q, want %q", u.ID, u.Text, wantText)
		}
		a, errA := os.ReadFile(filepath.Join(dir, u.ID+".wav"))
		b, errB := os.ReadFile(filepath.Join(cleanDir, u.ID+".wav"))
		if errA != nil || errB != nil || (u.ID != utt) != (string(a) == string(b)) {
			t.Errorf("%s: audio equal to the clean run's: %v (%v, %v)", u.ID, string(a) == string(b), errA, errB)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, skipped)); !os.IsNotExist(err) {
		t.Errorf("directory of skipped speaker %s: %v", skipped, err)
	}
	tsv, _ := os.ReadFile(filepath.Join(dir, "speakers.tsv"))
	if strings.Contains(string(tsv), skipped) || strings.Count(string(tsv), "\n") != 3 {
		t.Errorf("speakers.tsv lists the skipped speaker or not the others:\n%s", tsv)
	}
	for _, note := range []string{"replaced " + fmt.Sprintf("%q", first), "skipping speaker " + skipped + ": espeak-ng broken failed on 3 sentences in a row"} {
		if !strings.Contains(log, note) {
			t.Errorf("log has no %q:\n%s", note, log)
		}
	}

	if _, _, _, err := run(fakeBases("broken"), nil); err == nil || !strings.Contains(err.Error(), "every speaker was skipped") {
		t.Errorf("all voices broken: error %v", err)
	}
}
