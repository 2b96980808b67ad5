package scalegen

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/voxsiam/voxsiam/internal/vecio"
)

// Options describe a synthetic corpus. Zero fields take the defaults given.
type Options struct {
	Utterances int     // N (required, >= Speakers)
	Speakers   int     // S (required, >= 1)
	Dim        int     // embedding dimension (default 512)
	Within     float64 // within-speaker noise, total standard deviation (default 0.6)
	Imbalance  float64 // standard deviation of log utterance counts (default 0.5; 0 is not a default: use a tiny value for equal counts)
	Seed       uint64  // random seed
}

func (o Options) withDefaults() (Options, error) {
	if o.Dim == 0 {
		o.Dim = 512
	}
	if o.Within == 0 {
		o.Within = 0.6
	}
	if o.Imbalance == 0 {
		o.Imbalance = 0.5
	}
	switch {
	case o.Speakers < 1 || o.Utterances < o.Speakers:
		return o, fmt.Errorf("scalegen: need 1 <= speakers <= utterances, got %d speakers, %d utterances", o.Speakers, o.Utterances)
	case o.Dim < 1 || o.Within < 0 || o.Imbalance < 0:
		return o, fmt.Errorf("scalegen: dim %d, within %v, imbalance %v: want dim >= 1 and the others >= 0", o.Dim, o.Within, o.Imbalance)
	}
	return o, nil
}

// SpeakerName and UttName are the ids written: spk00012 and
// spk00012-u0000345 (the utterance's index in the corpus).
func SpeakerName(s int) string { return fmt.Sprintf("spk%05d", s) }
func UttName(s, i int) string  { return fmt.Sprintf("%s-u%07d", SpeakerName(s), i) }

// Corpus is a generated corpus: utterance i is spoken by Speaker[i].
type Corpus struct {
	Options
	IDs     []string
	Speaker []int
	Emb     []float32 // row-major [Utterances, Dim]
}

// Counts returns the utterances per speaker: at least one each, the rest
// in proportion to lognormal weights, summing to o.Utterances.
func Counts(o Options, rng *rand.Rand) []int {
	w := make([]float64, o.Speakers)
	var total float64
	for s := range w {
		w[s] = math.Exp(o.Imbalance * rng.NormFloat64())
		total += w[s]
	}
	counts := make([]int, o.Speakers)
	left := o.Utterances - o.Speakers
	given := 0
	for s := range counts {
		counts[s] = 1 + int(float64(left)*w[s]/total)
		given += counts[s]
	}
	for s := 0; given < o.Utterances; s = (s + 1) % o.Speakers { // rounding remainder
		counts[s]++
		given++
	}
	return counts
}

// Generate draws the corpus o describes; the utterances come in a random
// order (speakers interleaved, as a corpus listing by file would not be).
func Generate(o Options) (*Corpus, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5ca1e))
	counts := Counts(o, rng)
	spk := make([]int, 0, o.Utterances)
	for s, c := range counts {
		for range c {
			spk = append(spk, s)
		}
	}
	rng.Shuffle(len(spk), func(i, j int) { spk[i], spk[j] = spk[j], spk[i] })
	means := make([]float64, o.Speakers*o.Dim)
	for s := 0; s < o.Speakers; s++ {
		unitGaussian(means[s*o.Dim:(s+1)*o.Dim], rng)
	}
	c := &Corpus{Options: o, IDs: make([]string, o.Utterances), Speaker: spk, Emb: make([]float32, o.Utterances*o.Dim)}
	sd := o.Within / math.Sqrt(float64(o.Dim))
	for i, s := range spk {
		c.IDs[i] = UttName(s, i)
		mu, row := means[s*o.Dim:(s+1)*o.Dim], c.Emb[i*o.Dim:(i+1)*o.Dim]
		for t := range row {
			row[t] = float32(mu[t] + sd*rng.NormFloat64())
		}
	}
	return c, nil
}

// unitGaussian fills v with a direction uniform on the unit sphere.
func unitGaussian(v []float64, rng *rand.Rand) {
	var s float64
	for i := range v {
		v[i] = rng.NormFloat64()
		s += v[i] * v[i]
	}
	for i := range v {
		v[i] /= math.Sqrt(s)
	}
}

// Utt2Spk maps each utterance id to its speaker's name.
func (c *Corpus) Utt2Spk() map[string]string {
	m := make(map[string]string, len(c.IDs))
	for i, id := range c.IDs {
		m[id] = SpeakerName(c.Speaker[i])
	}
	return m
}

// WriteEmbeddings writes c as an embeddings directory (vecio.WriteDir, with
// utt2spk and spk2utt), as `voxsiam embed` would.
func (c *Corpus) WriteEmbeddings(dir string) error {
	if err := vecio.WriteDir(dir, c.IDs, c.Emb, c.Dim, vecio.WriteOptions{Utt2Spk: c.Utt2Spk()}); err != nil {
		return fmt.Errorf("scalegen: write %s: %w", dir, err)
	}
	return nil
}
