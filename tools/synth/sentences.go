package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
)

// Word lists for the sentence generator. Nouns are concrete and countable,
// verbs transitive, so every template yields a grammatical sentence.
var (
	adjectives = strings.Fields(`old young quiet bright heavy small large narrow wooden golden
		silver green yellow careful tired busy broken shiny ancient modern gentle noisy
		crooked polished dusty frozen curious patient famous simple`)
	nouns = strings.Fields(`farmer teacher doctor painter sailor baker pilot student driver
		neighbour captain gardener singer writer dancer merchant soldier miner nurse
		tailor fisherman clerk lawyer carpenter poet chemist ranger barber`)
	things = strings.Fields(`basket ladder lantern bicycle window letter garden bridge kettle
		blanket hammer candle wagon violin mirror compass notebook umbrella barrel
		carpet engine parcel ribbon saddle shovel teapot trumpet wallet whistle anchor`)
	places = strings.Fields(`station market harbour library kitchen village river valley
		church school factory orchard meadow castle museum tower island forest
		bakery courtyard hospital theatre stadium cottage`)
	verbsPast = strings.Fields(`carried painted repaired found moved cleaned opened dropped
		washed lifted pushed pulled borrowed covered polished hid sold bought wrapped
		checked counted packed`)
	verbsBase = strings.Fields(`carry paint repair find move clean open drop wash lift push
		pull borrow cover polish hide sell buy wrap check count pack`)
	names = strings.Fields(`Anna Benjamin Clara Daniel Emma Felix Grace Henry Isabel Jacob
		Laura Martin Nora Oliver Paula Robert Sarah Thomas Ursula Victor William Yvonne`)
	times = []string{"yesterday", "this morning", "last winter", "on Sunday", "after dinner",
		"before noon", "every evening", "at midnight", "in the spring", "last week",
		"during the storm", "early today"}
	futures = []string{"tomorrow", "next week", "on Monday", "this evening", "after lunch",
		"next summer", "before the holidays", "in the morning"}
	preps   = []string{"near", "behind", "inside", "beside", "across", "above", "below", "around"}
	numbers = []string{"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"}
)

// templates compose one sentence each from r; each yields 6 to 14 words
// (roughly 2 to 6 seconds of speech at 150-200 words per minute).
var templates = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		return fmt.Sprintf("The %s %s %s the %s %s %s the %s.", pick(r, adjectives), pick(r, nouns),
			pick(r, verbsPast), pick(r, adjectives), pick(r, things), pick(r, preps), pick(r, places))
	},
	func(r *rand.Rand) string {
		adj := pick(r, adjectives)
		return fmt.Sprintf("%s %s %s %s %s at the %s %s.", pick(r, names), pick(r, verbsPast), article(adj), adj, pick(r, things), pick(r, places), pick(r, times))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("%s, the %s will %s the %s %s the %s.", capital(pick(r, futures)), pick(r, nouns),
			pick(r, verbsBase), pick(r, things), pick(r, preps), pick(r, places))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("Why did the %s %s the %s %s the %s?", pick(r, nouns), pick(r, verbsBase),
			pick(r, things), pick(r, preps), pick(r, places))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("%s said that the %s in the %s was %s %s.", pick(r, names), pick(r, things), pick(r, places), pick(r, adjectives), pick(r, times))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("Please %s the %s %s before %s comes back from the %s.", pick(r, verbsBase),
			pick(r, adjectives), pick(r, things), pick(r, names), pick(r, places))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("We %s %s %s %s %s the %s %s.", pick(r, verbsPast), pick(r, numbers),
			pick(r, adjectives), plural(pick(r, things)), pick(r, preps), pick(r, places), pick(r, times))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("If it rains %s, the %s will %s the %s from the %s.", pick(r, futures), pick(r, nouns), pick(r, verbsBase), pick(r, things), pick(r, places))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("My %s and the %s %s the %s of the %s.", pick(r, nouns), pick(r, nouns),
			pick(r, verbsPast), pick(r, things), pick(r, places))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("Nobody knew where %s had left the %s %s of the %s.", pick(r, names), pick(r, adjectives), pick(r, things), pick(r, nouns))
	},
}

func pick(r *rand.Rand, words []string) string { return words[r.IntN(len(words))] }

// article is "an" before a vowel letter, else "a" (enough for these lists).
func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// plural adds "es" after a sibilant ending, else "s".
func plural(noun string) string {
	for _, suf := range []string{"s", "sh", "ch", "x"} {
		if strings.HasSuffix(noun, suf) {
			return noun + "es"
		}
	}
	return noun + "s"
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// Languages of the sentence generators (ISO 639-1): English, Hindi,
// Marathi, Telugu and Russian, the last four in native script.
var Languages = []string{"en", "hi", "mr", "te", "ru"}

// templatesOf are the sentence templates of each language in Languages.
var templatesOf = map[string][]func(r *rand.Rand) string{
	"en": templates, "hi": hiTemplates, "mr": mrTemplates, "te": teTemplates, "ru": ruTemplates,
}

// Sentences returns n distinct English sentences, the same for the same
// (n, seed). Templates are used in turn, words drawn from fixed lists; the
// number of combinations (> 10^6) makes any n up to many thousands reachable.
func Sentences(n int, seed uint64) []string { return SentencesIn("en", n, seed) }

// SentencesIn returns n distinct sentences in lang (one of Languages;
// UTF-8, native script), the same for the same (lang, n, seed). Every
// language has over 4000 combinations; asking for more than it can give is
// a programmer error and panics.
func SentencesIn(lang string, n int, seed uint64) []string {
	ts, ok := templatesOf[lang]
	if !ok {
		panic("synth: no sentence generator for language " + lang)
	}
	stream := uint64(streamSentences)
	if lang != "en" { // English keeps its original stream
		stream ^= uint64(lang[0])<<40 | uint64(lang[1])<<32
	}
	r := rand.New(rand.NewPCG(seed, stream))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		if i > 100*n+1000 {
			panic(fmt.Sprintf("synth: %s generator cannot make %d distinct sentences", lang, n))
		}
		s := ts[i%len(ts)](r)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// capitalRune upper-cases the first letter of s (any script).
func capitalRune(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
