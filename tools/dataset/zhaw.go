package dataset

import (
	"context"
	"fmt"
	"io"

	"github.com/voxsiam/voxsiam/tools/store"
)

// DeriveZHAW writes the feature store dir (replacing one that exists) with
// two utterances per speaker of speakers, as in the ZHAW clustering
// protocol: "<spk>/zhaw-1" holds the frames of the speaker's utterances in
// ZHAW's first part concatenated in id order, "<spk>/zhaw-2" those of the
// last part; durations add up, frames keep s's dtype and features.json.
// Speakers with fewer than two utterances are left out with a note on warn
// (nil: no note). It returns the number of utterances written.
func DeriveZHAW(ctx context.Context, s *store.Store, speakers []string, dir string, warn io.Writer) (int, error) {
	byID := map[string]store.Utterance{}
	perSpk := map[string][]string{}
	for _, u := range s.Utterances() {
		byID[u.ID] = u
		perSpk[u.Speaker] = append(perSpk[u.Speaker], u.ID)
	}
	zw, err := store.Create(dir, store.Options{NMels: s.NMels(), Float16: s.Float16(), Restart: true, FeatureConfig: s.FeatureConfig()})
	if err != nil {
		return 0, err
	}
	defer zw.Abort() // no-op after Commit
	n := 0
	var buf []float32
	for _, spk := range speakers {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		first, last := ZHAW(perSpk[spk])
		if len(last) == 0 {
			if warn != nil {
				fmt.Fprintf(warn, "split: ZHAW: speaker %s has %d utterance(s), needs 2: left out\n", spk, len(first))
			}
			continue
		}
		zw.SetGroup(spk, s.Groups()[spk])
		for k, part := range [][]string{first, last} {
			u := store.Utterance{ID: fmt.Sprintf("%s/zhaw-%d", spk, k+1), Speaker: spk,
				Source: fmt.Sprintf("zhaw:%s:%s..%s(%d)", s.Dir(), part[0], part[len(part)-1], len(part))}
			buf = buf[:0]
			for _, id := range part {
				buf = append(buf, s.Frames(byID[id], nil)...)
				s.Release(byID[id])
				u.Duration += byID[id].Duration
			}
			if err := zw.Add(u, buf); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, zw.Commit()
}
