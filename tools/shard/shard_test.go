package shard

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     Spec
		err      string // substring of the error; "" for success
	}{
		{"empty is no sharding", "", Spec{}, ""},
		{"first", "0/4", Spec{0, 4}, ""},
		{"last", "3/4", Spec{3, 4}, ""},
		{"single", "0/1", Spec{0, 1}, ""},
		{"spaces", " 1 / 2 ", Spec{1, 2}, ""},
		{"k = n", "4/4", Spec{}, "0-based"},
		{"negative", "-1/4", Spec{}, "0-based"},
		{"n zero", "0/0", Spec{}, "n must be"},
		{"too many", "0/99999999", Spec{}, "n must be"},
		{"no slash", "3", Spec{}, "want k/n"},
		{"words", "a/b", Spec{}, "integers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("Parse(%q) = %v, %v; want error with %q", c.in, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
		})
	}
}

// TestPartition: the n shards cover every id exactly once, are roughly
// balanced, and an id's shard does not depend on the other ids.
func TestPartition(t *testing.T) {
	const n, ids = 4, 4000
	count := make([]int, n)
	for i := 0; i < ids; i++ {
		id := fmt.Sprintf("id%05d/vid%d/%05d", i%97, i, i%13)
		hits := 0
		for k := 0; k < n; k++ {
			if (Spec{k, n}).Keeps(id) {
				hits++
				count[k]++
			}
		}
		if hits != 1 {
			t.Fatalf("%s kept by %d shards", id, hits)
		}
	}
	for k, c := range count {
		if c < ids/n*8/10 || c > ids/n*12/10 {
			t.Errorf("shard %d/%d holds %d of %d ids", k, n, c, ids)
		}
	}
}

// TestOfReference pins the hash: FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c
// (the FNV draft's test vectors), so "a" is in shard 0x8c % 4 = 0 of 4
// and 0xaf63dc4c8601ec8c % 3 = 0 of 3 (Python: 0xaf63dc4c8601ec8c % 3).
func TestOfReference(t *testing.T) {
	const h = uint64(0xaf63dc4c8601ec8c)
	for _, n := range []int{1, 2, 3, 4, 7, 1000} {
		if got, want := Of("a", n), int(h%uint64(n)); got != want {
			t.Errorf("Of(a, %d) = %d, want %d", n, got, want)
		}
	}
}

// ExampleFilter splits five ids into two shards (the assignment was
// checked with a Python FNV-1a: h = (h ^ b) * 0x100000001b3 mod 2^64).
func ExampleFilter() {
	ids := []string{"spk1/u1", "spk1/u2", "spk2/u1", "spk2/u2", "spk3/u1"}
	for k := 0; k < 2; k++ {
		s := Spec{K: k, N: 2}
		fmt.Println(s, Filter(s, append([]string(nil), ids...), func(id string) string { return id }))
	}
	// Output:
	// 0/2 [spk1/u2 spk2/u1]
	// 1/2 [spk1/u1 spk2/u2 spk3/u1]
}
