package shard

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Spec selects shard K of N. The zero Spec selects everything.
type Spec struct {
	K int // shard index, 0 <= K < N
	N int // number of shards; 0 means no sharding
}

// MaxShards bounds N (a guard against typos such as "3/30000000").
const MaxShards = 1 << 20

// Parse reads "k/n" with 0 <= k < n <= MaxShards. The empty string is the
// zero Spec (no sharding).
func Parse(s string) (Spec, error) {
	if s == "" {
		return Spec{}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("shard %q: want k/n, e.g. 0/8 (k from 0 to n-1)", s)
	}
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("shard %q: k and n must be integers (k/n, e.g. 0/8)", s)
	case n < 1 || n > MaxShards:
		return Spec{}, fmt.Errorf("shard %q: n must be from 1 to %d", s, MaxShards)
	case k < 0 || k >= n:
		return Spec{}, fmt.Errorf("shard %q: k must be from 0 to n-1 = %d (shards are 0-based)", s, n-1)
	}
	return Spec{K: k, N: n}, nil
}

// String is "k/n", or "" for the zero Spec.
func (s Spec) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Of returns the shard, in [0, n), of utterance id: FNV-1a 64 of its bytes
// modulo n. n must be >= 1.
func Of(id string, n int) int {
	if n < 1 {
		panic("shard: n < 1")
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % uint64(n))
}

// Keeps reports whether utterance id belongs to the shard (always true
// for the zero Spec).
func (s Spec) Keeps(id string) bool {
	return s.N == 0 || Of(id, s.N) == s.K
}

// Filter returns the elements of xs whose id (given by id) the shard
// keeps, in their order. It reuses xs' storage.
func Filter[T any](s Spec, xs []T, id func(T) string) []T {
	if s.N == 0 {
		return xs
	}
	out := xs[:0]
	for _, x := range xs {
		if s.Keeps(id(x)) {
			out = append(out, x)
		}
	}
	return out
}
