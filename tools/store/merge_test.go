package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/tools/shard"
)

// TestMergeShardsEqualsWhole: a store written in one go and the merge of
// its n shards (utterances split by tools/shard, each shard in id order as
// `voxsiam features --shard` writes it) are equal byte for byte.
func TestMergeShardsEqualsWhole(t *testing.T) {
	for _, c := range []struct {
		name    string
		n       int
		float16 bool
	}{{"3 shards float32", 3, false}, {"2 shards float16", 2, true}, {"1 shard", 1, false}} {
		t.Run(c.name, func(t *testing.T) {
			utts := synthUtts(23, 8, 7)
			sort.Slice(utts, func(i, j int) bool { return utts[i].u.ID < utts[j].u.ID })
			opts := Options{NMels: 8, Float16: c.float16, FeatureConfig: map[string]any{"kind": "logmel", "n_mels": 8}}
			whole := build(t, utts, opts)
			var parts []string
			for k := c.n - 1; k >= 0; k-- { // reverse order: the merge must not depend on it
				sel := shard.Filter(shard.Spec{K: k, N: c.n}, append([]testUtt(nil), utts...), func(x testUtt) string { return x.u.ID })
				parts = append(parts, build(t, sel, opts))
			}
			merged := filepath.Join(t.TempDir(), "merged")
			if err := Merge(context.Background(), merged, parts, MergeOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{FramesFile, ManifestFile, SpeakersFile, FeaturesFile} {
				a, _ := os.ReadFile(filepath.Join(whole, f))
				b, err := os.ReadFile(filepath.Join(merged, f))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s differs (%d vs %d bytes, %v)", f, len(a), len(b), err)
				}
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	utts := synthUtts(6, 8, 3)
	opts := Options{NMels: 8}
	a := build(t, utts[:4], opts)
	b := build(t, utts[3:], opts)
	c := build(t, utts[4:], Options{NMels: 8, Float16: true})
	d := build(t, synthUtts(2, 4, 9), Options{NMels: 4})
	for _, tc := range []struct {
		name string
		srcs []string
		want string
	}{
		{"overlap", []string{a, b}, "is in both"},
		{"dtype", []string{a, c}, "different dtypes"},
		{"bands", []string{a, d}, "mel bands"},
		{"missing", []string{a, filepath.Join(t.TempDir(), "nope")}, "not a complete feature store"},
		{"none", nil, "no input stores"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Merge(context.Background(), filepath.Join(t.TempDir(), "m"), tc.srcs, MergeOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Merge = %v, want an error with %q", err, tc.want)
			}
		})
	}
	t.Run("exists", func(t *testing.T) {
		err := Merge(context.Background(), a, []string{b}, MergeOptions{})
		if !errors.Is(err, ErrExists) {
			t.Fatalf("Merge onto an existing store = %v, want ErrExists", err)
		}
	})
}

// TestRelease: frames read after Release (which drops, in 2 MiB chunks,
// the pages of every utterance up to the one released) are the frames
// written, for utterances of several chunks and of less than a page,
// float32 and float16, released in row order and then out of it; Release
// after Close is a no-op.
func TestRelease(t *testing.T) {
	for _, f16 := range []bool{false, true} {
		var utts []testUtt
		for i, rows := range []int{700, 3, 26000, 40000, 9, 1100} {
			f := make([]float32, rows*16)
			for j := range f {
				f[j] = float32((i*7+j)%61) / 8 // exact in float16
			}
			utts = append(utts, testUtt{Utterance{ID: fmt.Sprintf("u%d", i), Speaker: "s", Source: fmt.Sprintf("src%d", i)}, f})
		}
		s, err := Open(build(t, utts, Options{NMels: 16, Float16: f16}))
		if err != nil {
			t.Fatal(err)
		}
		us := s.Utterances()
		for _, u := range us {
			s.Frames(u, nil)
			s.Release(u)
		}
		s.Release(us[2]) // out of order: releases nothing more
		for i, u := range s.Utterances() {
			if got := s.Frames(u, nil); !slices.Equal(got, utts[i].frames) {
				t.Errorf("float16 %v: %s read after Release differs from what was written", f16, u.ID)
			}
		}
		s.Close()
		s.Release(s.Utterances()[0])
	}
}
