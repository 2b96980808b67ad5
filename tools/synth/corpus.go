package synth

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// Options configure Generate.
type Options struct {
	Speakers   int       // number of speakers (> 0)
	Utterances int       // utterances per speaker (> 0)
	Out        string    // corpus directory; must not exist
	Seed       uint64    // the corpus is a function of (Seed, Speakers, Utterances, installed voices)
	Engines    []string  // engines to use; nil means AllEngines
	Workers    int       // concurrent speakers; <= 0: one per core (ordered.Workers)
	Progress   io.Writer // progress bar; nil for none
	Log        io.Writer // notes on skipped engines and voices; nil discards
}

// Utterance is one synthesized file of the corpus.
type Utterance struct {
	ID       string  // "spk0001/spk0001-003": the path below Out without ".wav"
	Speaker  string  // speaker id
	Lang     string  // language of Text (one of Languages)
	Text     string  // sentence spoken, UTF-8 in the language's native script
	Duration float64 // seconds
}

// Result describes a generated corpus.
type Result struct {
	Speakers   []Speaker   // the speakers of the corpus (planned ones that were skipped are in Skipped)
	BaseVoices int         // distinct base voices used
	Utts       []Utterance // in speaker, then utterance order
	Seconds    float64     // total audio
	Replaced   []Replaced  // sentences an engine failed on, each replaced by another
	Skipped    []Skipped   // speakers left out because their voice kept failing
}

// Replaced is a sentence an engine gave no audio for; the utterance was
// synthesized from another sentence of the speaker's pool.
type Replaced struct {
	Utt   string `json:"utt"`   // utterance id, as in Utterance.ID
	Voice string `json:"voice"` // "festival pc_diphone"
	Text  string `json:"text"`  // the sentence that failed
	By    string `json:"by"`    // the sentence that replaced it (or failed in turn: see the next Replaced of Utt)
	Err   string `json:"error"` // the engine's failure
}

// Skipped is a planned speaker left out of the corpus: its voice failed on
// maxTries sentences in a row for one utterance.
type Skipped struct {
	Speaker string `json:"speaker"` // speaker id; the ids of the others are unchanged
	Voice   string `json:"voice"`   // "festival pc_diphone"
	Err     string `json:"error"`   // the last failure
}

// maxTries is how many sentences one utterance tries before the speaker's
// voice counts as failing and the speaker is skipped.
const maxTries = 3

// Generate synthesizes a multi-speaker corpus into opts.Out in the plain
// layout <speaker>/<speaker>-<nnn>.wav (16 kHz mono 16-bit PCM), with
// speakers.tsv (speaker, base_voice, engine, voice, pitch, speed, warp,
// lang) and utterances.tsv (utt_id, speaker, duration_s, lang, text). It writes into
// "<Out>.partial" (a leftover one is removed) and renames it when done.
//
// An engine failing on a sentence does not end the run: the sentence is
// replaced by another of the speaker's pool (Result.Replaced), and a speaker
// whose voice fails on maxTries sentences in a row for one utterance is left
// out (Result.Skipped); both are noted on opts.Log. Generate fails when
// every speaker was skipped.
func Generate(ctx context.Context, opts Options) (*Result, error) {
	if opts.Speakers <= 0 || opts.Utterances <= 0 {
		return nil, fmt.Errorf("synth: need speakers > 0 and utterances > 0 (got %d, %d)", opts.Speakers, opts.Utterances)
	}
	if _, err := os.Stat(opts.Out); err == nil {
		return nil, fmt.Errorf("synth: %s already exists; remove it or choose another --out", opts.Out)
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	engines := opts.Engines
	if len(engines) == 0 {
		engines = AllEngines
	}
	bases, err := Discover(ctx, engines, log)
	if err != nil {
		return nil, err
	}
	return generate(ctx, opts, bases, synthesize, log)
}

// generate is Generate with the base voices and the engine given.
func generate(ctx context.Context, opts Options, bases []BaseVoice, eng engine, log io.Writer) (*Result, error) {
	res := &Result{Speakers: Plan(bases, opts.Speakers, opts.Seed)}
	part := filepath.Clean(opts.Out) + ".partial"
	if err := os.RemoveAll(part); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := synthAll(ctx, opts, part, eng, res); err != nil {
		return nil, err
	}
	for _, r := range res.Replaced {
		fmt.Fprintf(log, "synth: %s: %s; replaced %q by %q\n", r.Utt, r.Err, r.Text, r.By)
	}
	for _, k := range res.Skipped {
		fmt.Fprintf(log, "synth: skipping speaker %s: %s failed on %d sentences in a row: %s\n", k.Speaker, k.Voice, maxTries, k.Err)
	}
	if len(res.Speakers) == 0 {
		return nil, fmt.Errorf("synth: every speaker was skipped (their voices failed); see the notes above")
	}
	if err := writeTables(part, res); err != nil {
		return nil, err
	}
	if err := os.Rename(part, opts.Out); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return res, nil
}

// synthAll runs the speakers on a pool of workers and fills res.Utts,
// res.Replaced and res.Skipped, and drops the skipped speakers from
// res.Speakers.
func synthAll(ctx context.Context, opts Options, part string, eng engine, res *Result) error {
	pools := map[string][]string{}
	for _, s := range res.Speakers {
		if pools[s.Voice.Lang] == nil {
			pools[s.Voice.Lang] = SentencesIn(s.Voice.Lang, max(600, 2*opts.Utterances), opts.Seed)
		}
	}
	workers := ordered.Workers(opts.Workers)
	bar := progress.New(opts.Progress, int64(opts.Speakers*opts.Utterances), "synthesizing")
	defer bar.Finish()
	per := make([]spoken, len(res.Speakers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, s := range res.Speakers {
		texts := pickTexts(pools[s.Voice.Lang], opts.Seed, i)
		g.Go(func() error {
			var err error
			per[i], err = speak(gctx, s, texts[:opts.Utterances], texts[opts.Utterances:], part, eng)
			bar.Add(int64(opts.Utterances))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	kept := res.Speakers[:0]
	bases := map[string]bool{}
	for i, sp := range per {
		res.Replaced = append(res.Replaced, sp.replaced...)
		if sp.skipped != nil {
			res.Skipped = append(res.Skipped, *sp.skipped)
			continue
		}
		kept = append(kept, res.Speakers[i])
		bases[res.Speakers[i].Base] = true
		res.Utts = append(res.Utts, sp.utts...)
		for _, u := range sp.utts {
			res.Seconds += u.Duration
		}
	}
	res.Speakers, res.BaseVoices = kept, len(bases)
	return nil
}

// pickTexts orders the sentences of pool for speaker i: the first ones
// are its utterances, the rest replace sentences an engine fails on.
func pickTexts(pool []string, seed uint64, i int) []string {
	perm := rand.New(rand.NewPCG(seed, streamTexts+uint64(i))).Perm(len(pool))
	out := make([]string, len(pool))
	for j := range out {
		out[j] = pool[perm[j]]
	}
	return out
}

// spoken is what speak made of one speaker.
type spoken struct {
	utts     []Utterance
	replaced []Replaced
	skipped  *Skipped // non-nil: the speaker is left out; utts and replaced are nil
}

// speak synthesizes one speaker's texts into part/<id>/. A text the engine
// fails on is replaced by the next of spare; after maxTries failures for
// one utterance (or when spare runs out) the speaker is skipped and its
// directory removed. Only I/O errors and ctx's end are errors.
func speak(ctx context.Context, s Speaker, texts, spare []string, part string, eng engine) (spoken, error) {
	dir := filepath.Join(part, s.ID)
	tmp := filepath.Join(part, ".tmp-"+s.ID)
	defer os.RemoveAll(tmp)
	clips, sp, err := speakTexts(ctx, s, texts, spare, tmp, eng)
	if err != nil || sp.skipped != nil {
		return sp, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sp, fmt.Errorf("synth: %w", err)
	}
	sp.utts = make([]Utterance, len(texts))
	for j, c := range clips {
		y := postprocess(c.x, c.rate, s.EngineWarp())
		name := uttName(s, j)
		if err := writeWAV(filepath.Join(dir, name+".wav"), y); err != nil {
			return sp, err
		}
		sp.utts[j] = Utterance{ID: s.ID + "/" + name, Speaker: s.ID, Lang: s.Voice.Lang, Text: texts[j], Duration: float64(len(y)) / Rate}
	}
	return sp, nil
}

// speakTexts runs eng on texts until every text has audio, replacing the
// ones that fail (texts is updated in place) by the next ones of spare.
// Each round runs in a fresh scratch directory below tmp.
func speakTexts(ctx context.Context, s Speaker, texts, spare []string, tmp string, eng engine) ([]clip, spoken, error) {
	var sp spoken
	clips := make([]clip, len(texts))
	tries := make([]int, len(texts))
	todo := make([]int, len(texts))
	for j := range todo {
		todo[j] = j
	}
	voice := s.Voice.Engine + " " + s.Voice.Name
	for round := 0; len(todo) > 0; round++ {
		batch := make([]string, len(todo))
		for k, j := range todo {
			batch[k] = texts[j]
		}
		scratch := filepath.Join(tmp, fmt.Sprint(round))
		if err := os.MkdirAll(scratch, 0o755); err != nil {
			return nil, sp, fmt.Errorf("synth: %w", err)
		}
		out := eng(ctx, s, batch, scratch)
		if err := ctx.Err(); err != nil {
			return nil, sp, err
		}
		var again []int
		for k, j := range todo {
			if out[k].err == nil {
				clips[j] = out[k]
				continue
			}
			tries[j]++
			if tries[j] >= maxTries || len(spare) == 0 {
				skip := &Skipped{Speaker: s.ID, Voice: voice, Err: errText(out[k].err)}
				return nil, spoken{skipped: skip}, nil
			}
			sp.replaced = append(sp.replaced, Replaced{Utt: s.ID + "/" + uttName(s, j), Voice: voice,
				Text: texts[j], By: spare[0], Err: errText(out[k].err)})
			texts[j], spare = spare[0], spare[1:]
			again = append(again, j)
		}
		todo = again
	}
	return clips, sp, nil
}

// errText is err's message without the package prefix.
func errText(err error) string { return strings.TrimPrefix(err.Error(), "synth: ") }

// uttName is the file name (without .wav) of speaker s's utterance j.
func uttName(s Speaker, j int) string { return fmt.Sprintf("%s-%03d", s.ID, j+1) }

// writeWAV writes x to path as a 16-bit WAV at Rate, atomically
// (audio.WriteWAVFile): an interrupted run leaves no truncated file.
func writeWAV(path string, x []float32) error {
	if err := audio.WriteWAVFile(path, x, Rate); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// writeTables writes speakers.tsv and utterances.tsv.
func writeTables(dir string, res *Result) error {
	var sp, ut strings.Builder
	sp.WriteString("speaker\tbase_voice\tengine\tvoice\tpitch\tspeed\twarp\tlang\n")
	for _, s := range res.Speakers {
		fmt.Fprintf(&sp, "%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\n", s.ID, s.Base, s.Voice.Engine, s.Voice.Name, s.Pitch, s.Speed, s.EngineWarp(), s.Voice.Lang)
	}
	ut.WriteString("utt_id\tspeaker\tduration_s\tlang\ttext\n")
	for _, u := range res.Utts {
		fmt.Fprintf(&ut, "%s\t%s\t%.3f\t%s\t%s\n", u.ID, u.Speaker, u.Duration, u.Lang, u.Text)
	}
	for name, s := range map[string]string{"speakers.tsv": sp.String(), "utterances.tsv": ut.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	return nil
}
