package augment

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/voxsiam/voxsiam/internal/ordered"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// Kinds of augmented copy Corpus writes beside the clean one.
const (
	KindSpeed     = "speed"     // one copy per speed factor, new speakers "sp<f>-<spk>"
	KindNoise     = "noise"     // coloured noise (white, pink or brown) at NoiseSNR
	KindBabble    = "babble"    // 3-7 other speakers' utterances at BabbleSNR
	KindReverb    = "reverb"    // a simulated room (image method)
	KindTelephone = "telephone" // 300-3400 Hz, 8 kHz, µ-law or A-law (or GSM 06.10: CorpusOptions.Codecs)
	KindGainEQ    = "gaineq"    // random gain and equaliser
)

// Kinds lists every kind, in the order of a corpus' outputs.
var Kinds = []string{KindSpeed, KindNoise, KindBabble, KindReverb, KindTelephone, KindGainEQ}

// CorpusOptions configure Corpus. The zero value of a field means its
// default (DefaultCorpusOptions).
type CorpusOptions struct {
	Kinds         []string   // augmented copies per utterance; all Kinds
	Seed          uint64     // every output depends on (Seed, utterance id, kind) only; 0 is a seed like any other
	SpeedFactors  []float64  // SpeedFactors: 0.9, 1.1
	NoiseSNR      Range      // dB; [0, 15], Kaldi's foreground noise SNRs 15:10:5:0
	BabbleSNR     Range      // dB; [13, 20], Kaldi's babble SNRs 20:17:15:13
	BabbleTalkers [2]int     // talkers per babble; [3, 7], Kaldi's --num-bg-noises 3:4:5:6:7
	Rooms         RoomConfig // DefaultRooms
	Codecs        []Codec    // telephone codecs, one drawn per copy; mulaw, alaw (gsm needs sox)
	GainDB        Range      // dB; [-18, 6], Kaldi's volume perturbation factor 0.125-2
	EQ            EQConfig   // DefaultEQ
	Workers       int        // goroutines; <= 0: one per core (ordered.Workers)
	Strict        bool       // fail on the first unreadable input file instead of skipping it
	Warn          io.Writer  // progress and skipped files; nil discards them
}

// DefaultCorpusOptions returns the defaults of every field.
func DefaultCorpusOptions() CorpusOptions {
	return CorpusOptions{Kinds: Kinds, SpeedFactors: SpeedFactors, NoiseSNR: Range{0, 15},
		BabbleSNR: Range{13, 20}, BabbleTalkers: [2]int{3, 7}, Rooms: DefaultRooms(), Codecs: []Codec{MuLaw, ALaw},
		GainDB: Range{-18, 6}, EQ: DefaultEQ(), Workers: 1}
}

// withDefaults fills zero fields and checks the kinds.
func (o CorpusOptions) withDefaults() (CorpusOptions, error) {
	d := DefaultCorpusOptions()
	if len(o.Kinds) == 0 {
		o.Kinds = d.Kinds
	}
	for _, k := range o.Kinds {
		if !slices.Contains(Kinds, k) {
			return o, fmt.Errorf("augment: unknown kind %q (known: %s)", k, strings.Join(Kinds, ", "))
		}
	}
	if len(o.SpeedFactors) == 0 {
		o.SpeedFactors = d.SpeedFactors
	}
	for _, f := range o.SpeedFactors {
		if !(f >= 0.5 && f <= 2) || f == 1 {
			return o, fmt.Errorf("augment: speed factor %g: want [0.5, 2] and not 1", f)
		}
	}
	zero := Range{}
	for _, p := range []struct {
		dst *Range
		def Range
	}{{&o.NoiseSNR, d.NoiseSNR}, {&o.BabbleSNR, d.BabbleSNR}, {&o.GainDB, d.GainDB}} {
		if *p.dst == zero {
			*p.dst = p.def
		}
	}
	if o.BabbleTalkers == [2]int{} {
		o.BabbleTalkers = d.BabbleTalkers
	}
	if o.BabbleTalkers[0] < 1 || o.BabbleTalkers[1] < o.BabbleTalkers[0] {
		return o, fmt.Errorf("augment: babble talkers %v: want 1 <= min <= max", o.BabbleTalkers)
	}
	if len(o.Codecs) == 0 {
		o.Codecs = d.Codecs
	}
	for _, c := range o.Codecs {
		if _, err := ParseCodecs(string(c)); err != nil {
			return o, err
		}
		if _, err := exec.LookPath("sox"); c == GSM && err != nil && slices.Contains(o.Kinds, KindTelephone) {
			return o, fmt.Errorf("augment: the gsm telephone codec runs sox (GSM 06.10 through libgsm): %w", err)
		}
	}
	if o.Rooms == (RoomConfig{}) {
		o.Rooms = d.Rooms
	}
	if o.EQ == (EQConfig{}) {
		o.EQ = d.EQ
	}
	return o, nil
}

// Output is one file Corpus writes.
type Output struct {
	Kind    string // "clean" or one of Kinds
	Param   string // the speed factor, noise colour, codec ...; "" for clean
	Speaker string // speaker of the output ("sp0.9-<spk>" for speed copies)
	Path    string // relative to the output root: <speaker>/<utt>[-<kind>].wav
	factor  float64
}

// Outputs lists the files of item it: the clean copy, then one per kind
// (and per speed factor). Names follow Kaldi's recipes: speed copies are
// new speakers "sp0.9-<spk>", other copies keep the speaker and append the
// kind to the utterance ("<utt>-reverb", as reverberate_data_dir.py's
// "-reverb" and augment_data_dir.py's "-noise", "-babble" suffixes).
func Outputs(it dataset.Item, o CorpusOptions) []Output {
	rel := strings.TrimPrefix(it.UttID, it.Speaker+"/")
	outs := []Output{{Kind: "clean", Speaker: it.Speaker, Path: it.Speaker + "/" + rel + ".wav"}}
	for _, k := range o.Kinds {
		if k != KindSpeed {
			outs = append(outs, Output{Kind: k, Speaker: it.Speaker, Path: it.Speaker + "/" + rel + "-" + k + ".wav"})
			continue
		}
		for _, f := range o.SpeedFactors {
			sp := SpeakerPrefix(f) + it.Speaker
			outs = append(outs, Output{Kind: k, Param: fmt.Sprint(f), Speaker: sp, Path: sp + "/" + rel + ".wav", factor: f})
		}
	}
	return outs
}

// CorpusSummary counts what Corpus did.
type CorpusSummary struct {
	Utterances   int               `json:"utterances"`    // input utterances
	Speakers     int               `json:"speakers"`      // output speakers (speed copies are new speakers)
	Written      int               `json:"written"`       // files written by this run
	Existing     int               `json:"existing"`      // files found complete from an earlier run
	PerKind      map[string]int    `json:"per_kind"`      // files written or found, per kind
	AudioSeconds float64           `json:"audio_seconds"` // input audio read by this run
	Skipped      []dataset.Skipped `json:"skipped"`       // never nil
}

// Corpus writes an augmented copy of items under out as a plain corpus
// (dataset layout "plain": <speaker>/<utt>.wav, 16-bit PCM at Rate Hz, and
// speakers.tsv mapping every speaker, speed copies included, to the group
// of its source speaker so that splits keep them together). Files already
// present are kept (a rerun resumes); every file is written to a temporary
// name and renamed. Unreadable inputs are reported to Warn and skipped, or
// with Strict returned as the error.
func Corpus(ctx context.Context, items []dataset.Item, out string, o CorpusOptions) (*CorpusSummary, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	warn := o.Warn
	if warn == nil {
		warn = io.Discard
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("augment: %w", err)
	}
	sum := &CorpusSummary{Utterances: len(items), PerKind: map[string]int{}, Skipped: []dataset.Skipped{}}
	bar := progress.New(warn, int64(len(items)), "augment")
	c := &corpusJob{items: items, out: out, o: o}
	err = ordered.Map(ctx, len(items), o.Workers, c.one, func(i int, r uttResult) error {
		bar.Add(1)
		return sum.add(items[i], r, o.Strict, warn)
	})
	bar.Finish()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(warn, "augment: interrupted; run the same command again to resume %s\n", out)
		}
		return nil, err
	}
	n, err := writeSpeakers(filepath.Join(out, "speakers.tsv"), items, o)
	sum.Speakers = n
	return sum, err
}

// add counts one utterance's result.
func (sum *CorpusSummary) add(it dataset.Item, r uttResult, strict bool, warn io.Writer) error {
	if r.fatal != nil {
		return r.fatal
	}
	if r.bad != nil {
		if strict {
			return fmt.Errorf("augment: %s: %w", it.Source(), r.bad)
		}
		fmt.Fprintf(warn, "augment: skipping %s: %v\n", it.Source(), r.bad)
		sum.Skipped = append(sum.Skipped, dataset.Skipped{Source: it.Source(), Reason: r.bad.Error()})
		return nil
	}
	sum.Written += r.written
	sum.Existing += r.existing
	sum.AudioSeconds += r.seconds
	for k, n := range r.kinds {
		sum.PerKind[k] += n
	}
	return nil
}
