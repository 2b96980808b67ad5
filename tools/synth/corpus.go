package synth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

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
	Workers    int       // concurrent speakers; <= 0 means 2
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
	Speakers   []Speaker
	BaseVoices int         // distinct base voices used
	Utts       []Utterance // in speaker, then utterance order
	Seconds    float64     // total audio
}

// Generate synthesizes a multi-speaker corpus into opts.Out in the plain
// layout <speaker>/<speaker>-<nnn>.wav (16 kHz mono 16-bit PCM), with
// speakers.tsv (speaker, base_voice, engine, voice, pitch, speed, warp,
// lang) and utterances.tsv (utt_id, speaker, duration_s, lang, text). It writes into
// "<Out>.partial" (a leftover one is removed) and renames it when done.
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
	res := &Result{Speakers: Plan(bases, opts.Speakers, opts.Seed), BaseVoices: min(len(bases), opts.Speakers)}
	part := filepath.Clean(opts.Out) + ".partial"
	if err := os.RemoveAll(part); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := synthAll(ctx, opts, part, res); err != nil {
		return nil, err
	}
	if err := writeTables(part, res); err != nil {
		return nil, err
	}
	if err := os.Rename(part, opts.Out); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return res, nil
}

// synthAll runs the speakers on a pool of workers and fills res.Utts.
func synthAll(ctx context.Context, opts Options, part string, res *Result) error {
	pools := map[string][]string{}
	for _, s := range res.Speakers {
		if pools[s.Voice.Lang] == nil {
			pools[s.Voice.Lang] = SentencesIn(s.Voice.Lang, max(600, 2*opts.Utterances), opts.Seed)
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2
	}
	bar := progress.New(opts.Progress, int64(opts.Speakers*opts.Utterances), "synthesizing")
	defer bar.Finish()
	per := make([][]Utterance, len(res.Speakers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, s := range res.Speakers {
		texts := pickTexts(pools[s.Voice.Lang], opts.Utterances, opts.Seed, i)
		g.Go(func() error {
			us, err := speak(gctx, s, texts, part)
			per[i] = us
			bar.Add(int64(len(texts)))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, us := range per {
		res.Utts = append(res.Utts, us...)
		for _, u := range us {
			res.Seconds += u.Duration
		}
	}
	return nil
}

// pickTexts draws n distinct sentences of pool for speaker i.
func pickTexts(pool []string, n int, seed uint64, i int) []string {
	perm := rand.New(rand.NewPCG(seed, 1<<32+uint64(i))).Perm(len(pool))
	out := make([]string, n)
	for j := range out {
		out[j] = pool[perm[j]]
	}
	return out
}

// speak synthesizes one speaker's texts into part/<id>/.
func speak(ctx context.Context, s Speaker, texts []string, part string) ([]Utterance, error) {
	dir := filepath.Join(part, s.ID)
	tmp := filepath.Join(part, ".tmp-"+s.ID)
	for _, d := range []string{dir, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	defer os.RemoveAll(tmp)
	raw, rates, err := synthesize(ctx, s, texts, tmp)
	if err != nil {
		return nil, err
	}
	us := make([]Utterance, len(texts))
	for j, x := range raw {
		y := postprocess(x, rates[j], s.EngineWarp())
		name := fmt.Sprintf("%s-%03d", s.ID, j+1)
		if err := writeWAV(filepath.Join(dir, name+".wav"), y); err != nil {
			return nil, err
		}
		us[j] = Utterance{ID: s.ID + "/" + name, Speaker: s.ID, Lang: s.Voice.Lang, Text: texts[j], Duration: float64(len(y)) / Rate}
	}
	return us, nil
}

func writeWAV(path string, x []float32) error {
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, x, Rate); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
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
