package dataset

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/tools/store"
)

// zhawStore writes a float16 store where speaker s has utts[s] utterances;
// utterance k of speaker s has k+1 frames of 2 bins, all s*100+k (exact in
// float16), and lasts k+1 seconds.
func zhawStore(t *testing.T, utts map[string]int) *store.Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	w, err := store.Create(dir, store.Options{NMels: 2, Float16: true, FeatureConfig: map[string]int{"n_mels": 2}})
	if err != nil {
		t.Fatal(err)
	}
	for si, spk := range []string{"s0", "s1", "s2"} {
		w.SetGroup(spk, "g"+spk)
		for k := range utts[spk] {
			f := make([]float32, 2*(k+1))
			for i := range f {
				f[i] = float32(si*100 + k)
			}
			u := store.Utterance{ID: fmt.Sprintf("%s/u%d", spk, k), Speaker: spk, Source: "x.wav", Duration: float64(k + 1)}
			if err := w.Add(u, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDeriveZHAW: 5 utterances split 4 + 1 (ZHAW's 80%), 3 split 2 + 1;
// the parts' frames are concatenated in id order and their durations add
// up (1+2+3+4 = 10 s); a speaker with one utterance is left out with a note.
func TestDeriveZHAW(t *testing.T) {
	s := zhawStore(t, map[string]int{"s0": 5, "s1": 3, "s2": 1})
	dir := filepath.Join(t.TempDir(), "zhaw")
	var warn bytes.Buffer
	n, err := DeriveZHAW(context.Background(), s, []string{"s0", "s1", "s2"}, dir, &warn)
	if err != nil {
		t.Fatal(err)
	}
	z, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	parts := map[string][]int{"s0/zhaw-1": {0, 1, 2, 3}, "s0/zhaw-2": {4}, "s1/zhaw-1": {0, 1}, "s1/zhaw-2": {2}}
	if n != 4 || len(z.Utterances()) != 4 || !z.Float16() || z.Groups()["s1"] != "gs1" {
		t.Fatalf("%d utterances written, store has %d (float16 %v, groups %v); want 4", n, len(z.Utterances()), z.Float16(), z.Groups())
	}
	for _, u := range z.Utterances() {
		var si int
		fmt.Sscanf(u.Speaker, "s%d", &si)
		var want []float32
		dur := 0.0
		for _, k := range parts[u.ID] {
			for range 2 * (k + 1) {
				want = append(want, float32(si*100+k))
			}
			dur += float64(k + 1)
		}
		if d := cmp.Diff(want, z.Frames(u, nil)); d != "" || u.Duration != dur {
			t.Errorf("%s: duration %g (want %g), frames (-want +got):\n%s", u.ID, u.Duration, dur, d)
		}
	}
	if !strings.Contains(warn.String(), "speaker s2 has 1 utterance(s), needs 2: left out") {
		t.Errorf("note %q", warn.String())
	}
}
