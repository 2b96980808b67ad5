package scalegen

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// StoreOptions describe the feature store WriteStore writes for a corpus.
type StoreOptions struct {
	Frames  int  // frames per utterance (default 100: 1 s at the 10 ms hop; at least the 40-frame segment)
	Float16 bool // store frames as float16 (half the disk)
	Restart bool // replace an existing store or leftover partial one
}

// WriteStore writes a feature store for the utterances of c (ids,
// speakers, one group per speaker), in id order as `voxsiam features`
// writes a corpus, under the default feature config:
// Frames frames of 128 log-mel bins each, the speaker's mean spectrum
// (a random walk across bins, in the 0..4 range of log10(1 + 10000 x))
// plus per-frame Gaussian noise of standard deviation 0.5. The embeddings
// of c are not used: the store is for timing the stages before embedding
// (reading, cropping, feature statistics, batching) at scale.
func (c *Corpus) WriteStore(dir string, o StoreOptions) error {
	cfg := feature.DefaultConfig().WithDefaults()
	if o.Frames == 0 {
		o.Frames = 100
	}
	if o.Frames < cfg.Segment {
		return fmt.Errorf("scalegen: %d frames per utterance is less than the %d-frame segment", o.Frames, cfg.Segment)
	}
	w, err := store.Create(dir, store.Options{NMels: cfg.NMels, Float16: o.Float16, Restart: o.Restart, FeatureConfig: cfg})
	if err != nil {
		return fmt.Errorf("scalegen: %w", err)
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x570e))
	profile := make([]float32, c.Speakers*cfg.NMels)
	for s := 0; s < c.Speakers; s++ {
		v := 2.0
		for b := 0; b < cfg.NMels; b++ {
			v = min(4, max(0, v+0.2*rng.NormFloat64()))
			profile[s*cfg.NMels+b] = float32(v)
		}
		name := SpeakerName(s)
		w.SetGroup(name, name)
	}
	frames := make([]float32, o.Frames*cfg.NMels)
	dur := float64(o.Frames*cfg.Hop) / float64(cfg.SampleRate)
	order := make([]int, len(c.IDs)) // id order, as voxsiam features writes a corpus
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return c.IDs[order[a]] < c.IDs[order[b]] })
	for _, i := range order {
		id, s := c.IDs[i], c.Speaker[i]
		p := profile[s*cfg.NMels : (s+1)*cfg.NMels]
		for f := range frames {
			frames[f] = p[f%cfg.NMels] + float32(0.5*rng.NormFloat64())
		}
		u := store.Utterance{ID: id, Speaker: SpeakerName(s), Source: "scalegen/" + id, Duration: dur}
		if err := w.Add(u, frames); err != nil {
			w.Abort()
			return fmt.Errorf("scalegen: %s: %w", dir, err)
		}
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("scalegen: %s: %w", dir, err)
	}
	return nil
}
