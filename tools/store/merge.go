package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	Restart bool // replace an existing store at dst (and discard a leftover dst.partial); default: refuse
}

// Merge writes the store dst holding every utterance of the stores srcs
// (the shards of a `voxsiam features --shard k/n` array), in utterance-id
// order, which is the order `voxsiam features` writes a whole corpus in
// (its scan is sorted by id): n merged shards are byte for byte the
// unsharded store. The sources must agree on n_mels, dtype and
// features.json; an utterance id in two sources is an error naming both.
// Frames are copied one utterance at a time (constant memory; each
// source's pages are released once read, Store.Release), through
// dst.partial like every store write; ctx cancels between utterances.
func Merge(ctx context.Context, dst string, srcs []string, opts MergeOptions) (err error) {
	if len(srcs) == 0 {
		return fmt.Errorf("store: merge into %s: no input stores", dst)
	}
	stores := make([]*Store, 0, len(srcs))
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	for _, dir := range srcs {
		s, err := Open(dir)
		if err != nil {
			return err
		}
		stores = append(stores, s)
		if err := compatible(stores[0], s); err != nil {
			return err
		}
	}
	rows, err := mergeOrder(stores)
	if err != nil {
		return err
	}
	return writeMerged(ctx, dst, stores, rows, opts)
}

// compatible checks that s can be merged with the first store a.
func compatible(a, s *Store) error {
	switch {
	case s.NMels() != a.NMels():
		return errs.BadData("store: merge: %s has %d mel bands, %s has %d", s.Dir(), s.NMels(), a.Dir(), a.NMels())
	case s.Float16() != a.Float16():
		return errs.BadData("store: merge: %s and %s store frames in different dtypes (float16 in one, float32 in the other)", s.Dir(), a.Dir())
	case !bytes.Equal(bytes.TrimSpace(s.FeatureConfig()), bytes.TrimSpace(a.FeatureConfig())):
		return errs.BadData("store: merge: %s and %s were computed with different feature settings (%s: %s; %s: %s)",
			s.Dir(), a.Dir(), s.Dir(), s.FeatureConfig(), a.Dir(), a.FeatureConfig())
	}
	for spk, g := range s.Groups() {
		if g0, ok := a.Groups()[spk]; ok && g0 != g {
			return errs.BadData("store: merge: speaker %s is in group %s in %s and %s in %s", spk, g, s.Dir(), g0, a.Dir())
		}
	}
	return nil
}

// mergedRow is one utterance of source store Src.
type mergedRow struct {
	Src int
	Utt Utterance
}

// mergeOrder lists every utterance of stores sorted by id and rejects ids
// found in two stores.
func mergeOrder(stores []*Store) ([]mergedRow, error) {
	var rows []mergedRow
	for i, s := range stores {
		for _, u := range s.Utterances() {
			rows = append(rows, mergedRow{i, u})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Utt.ID < rows[j].Utt.ID })
	for i := 1; i < len(rows); i++ {
		if a, b := rows[i-1], rows[i]; a.Utt.ID == b.Utt.ID {
			return nil, errs.BadData("store: merge: utterance %s is in both %s and %s (overlapping shards?)",
				a.Utt.ID, stores[a.Src].Dir(), stores[b.Src].Dir())
		}
	}
	return rows, nil
}

// writeMerged streams rows into a new store dst.
func writeMerged(ctx context.Context, dst string, stores []*Store, rows []mergedRow, opts MergeOptions) error {
	if !opts.Restart && exists(dst) {
		return fmt.Errorf("store: merge: %s: %w (give --restart to replace it)", dst, ErrExists)
	}
	if err := os.RemoveAll(dst + ".partial"); err != nil { // a merge is redone, not resumed
		return fmt.Errorf("store: merge: %w", err)
	}
	a := stores[0]
	w, err := Create(dst, Options{NMels: a.NMels(), Float16: a.Float16(), Restart: opts.Restart, FeatureConfig: rawConfig(a.FeatureConfig())})
	if err != nil {
		return err
	}
	defer w.Close()
	for _, s := range stores {
		for spk, g := range s.Groups() {
			w.SetGroup(spk, g)
		}
	}
	var buf []float32
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf = stores[r.Src].Frames(r.Utt, buf)
		stores[r.Src].Release(r.Utt) // read once: resident memory stays flat
		if err := w.Add(r.Utt, buf); err != nil {
			return err
		}
	}
	return w.Commit()
}

// rawConfig passes a store's features.json through unchanged ({} when empty).
func rawConfig(b []byte) any {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	return jsonRaw(bytes.TrimSpace(b))
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }
