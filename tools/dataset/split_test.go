package dataset

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitKeepsGroupsApart(t *testing.T) {
	// 30 speakers in 12 groups of sizes 1..4 (synthetic corpus: base voices)
	var spk []string
	groups := map[string]string{}
	for g := 0; g < 12; g++ {
		for k := 0; k <= g%4; k++ {
			s := fmt.Sprintf("g%02d-s%d", g, k)
			spk = append(spk, s)
			groups[s] = fmt.Sprintf("g%02d", g)
		}
	}
	train, val, test := Split(spk, groups, 5, 6, 1)
	if len(test) < 6 || len(val) < 5 || len(train)+len(val)+len(test) != len(spk) {
		t.Fatalf("sizes train %d val %d test %d", len(train), len(val), len(test))
	}
	set := map[string]string{}
	for name, l := range map[string][]string{"train": train, "val": val, "test": test} {
		for _, s := range l {
			g := groups[s]
			if other, ok := set[g]; ok && other != name {
				t.Errorf("group %s in %s and %s", g, other, name)
			}
			set[g] = name
		}
	}
	tr2, va2, te2 := Split(append([]string(nil), spk...), groups, 5, 6, 1)
	if !cmp.Equal([][]string{train, val, test}, [][]string{tr2, va2, te2}) {
		t.Error("same seed, different split")
	}
	_, _, te3 := Split(spk, groups, 5, 6, 2)
	if cmp.Equal(test, te3) {
		t.Error("seeds 1 and 2 give the same test set")
	}
}

func TestSplitSingletonGroupsExact(t *testing.T) {
	var spk []string
	for i := 0; i < 20; i++ {
		spk = append(spk, fmt.Sprintf("s%02d", i))
	}
	train, val, test := Split(spk, nil, 3, 4, 9)
	if len(train) != 13 || len(val) != 3 || len(test) != 4 {
		t.Errorf("sizes %d/%d/%d, want 13/3/4", len(train), len(val), len(test))
	}
}

func TestZHAW(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ids         []string
		first, last []string
	}{
		// TIMIT: 10 sentences -> 8 + 2 (the paper's protocol)
		{"timit", []string{"SX9", "SA1", "SA2", "SI1", "SI2", "SI3", "SX1", "SX2", "SX3", "SX4"},
			[]string{"SA1", "SA2", "SI1", "SI2", "SI3", "SX1", "SX2", "SX3"}, []string{"SX4", "SX9"}},
		{"two", []string{"b", "a"}, []string{"a"}, []string{"b"}},
		{"three", []string{"c", "b", "a"}, []string{"a", "b"}, []string{"c"}},
		{"one", []string{"a"}, []string{"a"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, l := ZHAW(tc.ids)
			if !cmp.Equal(f, tc.first) || !cmp.Equal(l, tc.last) {
				t.Errorf("ZHAW = %v, %v; want %v, %v", f, l, tc.first, tc.last)
			}
		})
	}
}
