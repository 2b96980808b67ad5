package augment

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// peakLimit is the largest sample magnitude written (16-bit WAV clips at 1).
const peakLimit = 0.99

// corpusJob augments the items of one Corpus call.
type corpusJob struct {
	items []dataset.Item
	out   string
	o     CorpusOptions
}

// uttResult is what one utterance gave.
type uttResult struct {
	written, existing int
	kinds             map[string]int
	seconds           float64
	bad               error // the input could not be read: skipped
	fatal             error // writing failed: the run stops
}

// one writes the missing outputs of item i; it loads nothing when all exist.
func (c *corpusJob) one(ctx context.Context, i int) uttResult {
	it := c.items[i]
	r := uttResult{kinds: map[string]int{}}
	var todo []Output
	for _, o := range Outputs(it, c.o) {
		if _, err := os.Stat(filepath.Join(c.out, o.Path)); err == nil {
			r.existing++
			r.kinds[o.Kind]++
		} else {
			todo = append(todo, o)
		}
	}
	if len(todo) == 0 {
		return r
	}
	x, err := dataset.Load(ctx, it, Rate)
	if err != nil {
		r.bad = err
		return r
	}
	r.seconds = float64(len(x)) / Rate
	for _, o := range todo {
		y, err := c.make(ctx, i, x, o)
		if err == nil {
			Limit(y, peakLimit)
			err = writeWAV(filepath.Join(c.out, o.Path), y)
		}
		if err != nil {
			r.fatal = fmt.Errorf("augment: %s (%s of %s): %w", o.Path, o.Kind, it.Source(), err)
			return r
		}
		r.written++
		r.kinds[o.Kind]++
	}
	return r
}

// make computes output o of item i from its samples x.
func (c *corpusJob) make(ctx context.Context, i int, x []float32, o Output) ([]float32, error) {
	it := c.items[i]
	r := NewRand(c.o.Seed, it.UttID+"\x00"+o.Kind+o.Param)
	switch o.Kind {
	case "clean":
		return append([]float32(nil), x...), nil
	case KindSpeed:
		return Speed(x, o.factor), nil
	case KindNoise:
		n, err := Noise(nil, len(x), Colors[r.IntN(len(Colors))], r)
		if err != nil {
			return nil, err
		}
		return MixSNR(nil, x, n, c.o.NoiseSNR.Draw(r)), nil
	case KindBabble:
		b := Babble(len(x), c.talkers(ctx, i, r), r)
		return MixSNR(nil, x, b, c.o.BabbleSNR.Draw(r)), nil
	case KindReverb:
		h, err := RandomRoom(c.o.Rooms, r).RIR()
		if err != nil {
			return nil, err
		}
		return Reverberate(x, h), nil
	case KindTelephone:
		return Telephone(x, c.o.Codecs[r.IntN(len(c.o.Codecs))])
	case KindGainEQ:
		y := Filter(nil, x, RandomEQ(c.o.EQ, r)...)
		return Gain(y, y, c.o.GainDB.Draw(r)), nil
	}
	return nil, fmt.Errorf("augment: unknown kind %q", o.Kind)
}

// talkers loads the babble talkers of item i: BabbleTalkers utterances of
// other speakers drawn by r. Unreadable ones are left out (they are
// reported when their own turn comes).
func (c *corpusJob) talkers(ctx context.Context, i int, r *rand.Rand) [][]float32 {
	lo, hi := c.o.BabbleTalkers[0], c.o.BabbleTalkers[1]
	want := lo + r.IntN(hi-lo+1)
	var ts [][]float32
	for try := 0; len(ts) < want && try < 20*want; try++ {
		j := r.IntN(len(c.items))
		if c.items[j].Speaker == c.items[i].Speaker {
			continue
		}
		if y, err := dataset.Load(ctx, c.items[j], Rate); err == nil {
			ts = append(ts, y)
		}
	}
	return ts
}

// writeWAV creates path's directory and writes x there as a 16-bit WAV
// (audio.WriteWAVFile: atomic, so a file that exists is complete).
func writeWAV(path string, x []float32) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return audio.WriteWAVFile(path, x, Rate)
}

// writeAtomic creates path's directory and writes data there with atomicfile.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data)
}

// writeSpeakers writes speakers.tsv (speaker, group) of the output corpus
// and returns the number of speakers.
func writeSpeakers(path string, items []dataset.Item, o CorpusOptions) (int, error) {
	group := map[string]string{}
	for _, it := range items {
		for _, out := range Outputs(it, o) {
			group[out.Speaker] = it.Group
		}
	}
	spk := make([]string, 0, len(group))
	for s := range group {
		spk = append(spk, s)
	}
	sort.Strings(spk)
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	fmt.Fprintln(w, "speaker\tgroup")
	for _, s := range spk {
		fmt.Fprintf(w, "%s\t%s\n", s, group[s])
	}
	w.Flush()
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return 0, fmt.Errorf("augment: write %s: %w", path, err)
	}
	return len(spk), nil
}
