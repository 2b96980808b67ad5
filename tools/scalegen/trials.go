package scalegen

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/voxsiam/voxsiam/tools/shard"
)

// WriteTrials writes n verification trials over the utterances of c to
// path in Kaldi's layout ("utt1 utt2 target|nontarget", one a line),
// streaming: a fraction targetFrac of them (rounded per trial by the draw)
// pair two different utterances of one speaker, the rest two utterances
// of different speakers. Speakers with a single utterance give no target
// trials; with no speaker of two utterances every trial is a non-target.
// The draws come from PCG(seed, 0x7a1), so a seed fixes the list.
func (c *Corpus) WriteTrials(path string, n int, targetFrac float64, seed uint64) error {
	if n < 1 || targetFrac < 0 || targetFrac > 1 || c.Speakers < 2 {
		return fmt.Errorf("scalegen: %d trials, target fraction %v, %d speakers: want n >= 1, a fraction in [0, 1], 2 speakers", n, targetFrac, c.Speakers)
	}
	bySpk := make([][]int32, c.Speakers) // utterances of each speaker
	for i, s := range c.Speaker {
		bySpk[s] = append(bySpk[s], int32(i))
	}
	var multi []int32 // utterances whose speaker has another one
	for i, s := range c.Speaker {
		if len(bySpk[s]) > 1 {
			multi = append(multi, int32(i))
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("scalegen: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 0x7a1))
	for range n {
		i, j, lab := c.drawTrial(rng, bySpk, multi, targetFrac)
		w.WriteString(c.IDs[i])
		w.WriteByte(' ')
		w.WriteString(c.IDs[j])
		w.WriteString(lab)
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("scalegen: write %s: %w", path, err)
	}
	return nil
}

// drawTrial draws one trial: its two utterances and its label with the
// line's end (" target\n" or " nontarget\n").
func (c *Corpus) drawTrial(rng *rand.Rand, bySpk [][]int32, multi []int32, targetFrac float64) (i, j int, lab string) {
	if len(multi) > 0 && rng.Float64() < targetFrac {
		i = int(multi[rng.IntN(len(multi))])
		own := bySpk[c.Speaker[i]]
		for j = i; j == i; {
			j = int(own[rng.IntN(len(own))])
		}
		return i, j, " target\n"
	}
	for i, j = 0, 0; c.Speaker[i] == c.Speaker[j]; {
		i, j = rng.IntN(len(c.IDs)), rng.IntN(len(c.IDs))
	}
	return i, j, " nontarget\n"
}

// Shard returns the utterances of c that shard k of n keeps (shard.Of of
// their ids, as `voxsiam features --shard k/n` and `embed --shard` assign
// them), in c's order; the speakers keep their numbers.
func (c *Corpus) Shard(k, n int) *Corpus {
	s := shard.Spec{K: k, N: n}
	out := &Corpus{Options: c.Options}
	for i, id := range c.IDs {
		if s.Keeps(id) {
			out.IDs = append(out.IDs, id)
			out.Speaker = append(out.Speaker, c.Speaker[i])
			out.Emb = append(out.Emb, c.Emb[i*c.Dim:(i+1)*c.Dim]...)
		}
	}
	out.Utterances = len(out.IDs)
	return out
}
