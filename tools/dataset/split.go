package dataset

import (
	"math"
	"math/rand/v2"
	"sort"
)

// streamSplit is the PCG stream of Split's group order, PCG(seed, 0x5b11):
// voxsiam split and training without speaker lists draw from it.
const streamSplit = 0x5b11

// Split divides speakers into train, validation and test sets that share
// no group (groups[s] is s's group; a speaker missing from groups, or a
// nil map, is its own group). Groups are drawn in a seeded random order:
// test first, then validation, each taking a group whole while it fits in
// the remaining quota, then, if the quota is still not met, the next groups
// whole (overshooting). The rest is train. Each list is sorted. The result
// depends only on the sets of speakers and groups, the sizes and the seed.
func Split(speakers []string, groups map[string]string, nVal, nTest int, seed uint64) (train, val, test []string) {
	if nVal < 0 || nTest < 0 {
		panic("dataset: Split sizes must be >= 0")
	}
	members := map[string][]string{}
	for _, s := range speakers {
		g, ok := groups[s]
		if !ok {
			g = s
		}
		members[g] = append(members[g], s)
	}
	names := make([]string, 0, len(members))
	for g := range members {
		names = append(names, g)
	}
	sort.Strings(names)
	order := rand.New(rand.NewPCG(seed, streamSplit)).Perm(len(names))
	used := make([]bool, len(names))
	take := func(quota int) []string {
		var out []string
		for pass := 0; pass < 2 && len(out) < quota; pass++ {
			for _, i := range order {
				m := members[names[i]]
				if !used[i] && len(out) < quota && (pass == 1 || len(out)+len(m) <= quota) {
					used[i] = true
					out = append(out, m...)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	test = take(nTest)
	val = take(nVal)
	for i, g := range names {
		if !used[i] {
			train = append(train, members[g]...)
		}
	}
	sort.Strings(train)
	return train, val, test
}

// ZHAW splits one speaker's utterance ids for the ZHAW clustering protocol
// (Stadelmann et al.: TIMIT sentences 1-8 and 9-10): sorted by id, the first
// 80% (rounded, at least 1) and the rest (at least 1). It needs >= 2 ids;
// with fewer it returns ids and nil.
func ZHAW(ids []string) (first, last []string) {
	s := append([]string(nil), ids...)
	sort.Strings(s)
	if len(s) < 2 {
		return s, nil
	}
	k := int(math.Round(0.8 * float64(len(s))))
	k = min(max(k, 1), len(s)-1)
	return s[:k], s[k:]
}
