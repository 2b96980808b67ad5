package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/tools/store"
)

// splitStore builds a store of 12 speakers in 6 groups, 5 utterances each;
// utterance k of speaker s has k+1 frames filled with s*100+k.
func splitStore(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "store")
	w, err := store.Create(dir, store.Options{NMels: 2, FeatureConfig: map[string]int{"n_mels": 2}})
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 12; s++ {
		spk := fmt.Sprintf("s%02d", s)
		w.SetGroup(spk, fmt.Sprintf("g%d", s/2))
		for k := 0; k < 5; k++ {
			f := make([]float32, 2*(k+1))
			for i := range f {
				f[i] = float32(s*100 + k)
			}
			if err := w.Add(store.Utterance{ID: fmt.Sprintf("%s/u%d", spk, k), Speaker: spk, Source: fmt.Sprintf("%s-%d.wav", spk, k), Duration: 1}, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readList(t *testing.T, p string) []string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

func TestSplitListsAndZHAW(t *testing.T) {
	st := splitStore(t)
	out := t.TempDir()
	err := runSplit(context.Background(), splitOptions{Store: st, Out: out, Val: 2, Test: 4, Seed: 3, ZHAW: true}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	where := map[string]string{}
	for _, name := range []string{"train", "val", "test"} {
		lists[name] = readList(t, filepath.Join(out, name+".list"))
		for _, s := range lists[name] {
			var n int
			fmt.Sscanf(s, "s%d", &n)
			grp := fmt.Sprint(n / 2)
			if other, ok := where[grp]; ok && other != name {
				t.Errorf("group %s in %s and %s", grp, other, name)
			}
			where[grp] = name
		}
	}
	if len(lists["train"]) != 6 || len(lists["val"]) != 2 || len(lists["test"]) != 4 {
		t.Fatalf("lists %v", lists)
	}
	z, err := store.Open(filepath.Join(out, "test-zhaw"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if len(z.Utterances()) != 8 {
		t.Fatalf("ZHAW store has %d utterances, want 2 per test speaker", len(z.Utterances()))
	}
	for _, u := range z.Utterances() {
		var s, part int
		fmt.Sscanf(u.ID, "s%d/zhaw-%d", &s, &part)
		// 5 utterances: first 4 (1+2+3+4 frames), last 1 (5 frames)
		var want []float32
		ks := map[int][]int{1: {0, 1, 2, 3}, 2: {4}}[part]
		for _, k := range ks {
			for i := 0; i < 2*(k+1); i++ {
				want = append(want, float32(s*100+k))
			}
		}
		if diff := cmp.Diff(want, z.Frames(u, nil)); diff != "" {
			t.Errorf("%s: frames (-want +got):\n%s", u.ID, diff)
		}
	}
	v, err := store.Open(filepath.Join(out, "val-zhaw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if got, want := len(v.Utterances()), 2*len(lists["val"]); got != want {
		t.Errorf("val ZHAW store has %d utterances, want %d (2 per validation speaker)", got, want)
	}
	if err := runSplit(context.Background(), splitOptions{Store: st, Out: out, Val: 6, Test: 6}, io.Discard); exitCode(context.Background(), err) != exitUsage {
		t.Errorf("val+test = all speakers: %v, want usage error", err)
	}
}
