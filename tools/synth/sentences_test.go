package synth

import (
	"strings"
	"testing"
	"unicode"
)

func TestSentences(t *testing.T) {
	a := Sentences(800, 7)
	b := Sentences(800, 7)
	c := Sentences(800, 8)
	seen := map[string]bool{}
	same := 0
	for i, s := range a {
		if s != b[i] {
			t.Fatalf("sentence %d differs between runs with one seed: %q vs %q", i, s, b[i])
		}
		if s == c[i] {
			same++
		}
		if seen[s] {
			t.Errorf("duplicate sentence %q", s)
		}
		seen[s] = true
		n := len(strings.Fields(s))
		// 6..16 words is about 2..6 s at espeak-ng's 175 words per minute.
		if n < 6 || n > 16 || !unicode.IsUpper(rune(s[0])) || !strings.ContainsAny(s[len(s)-1:], ".?") {
			t.Errorf("malformed sentence (%d words): %q", n, s)
		}
		if strings.Contains(s, " a a") || strings.Contains(s, " a o") || strings.Contains(s, " a e") {
			t.Errorf("article before vowel: %q", s)
		}
	}
	if same > 10 {
		t.Errorf("seeds 7 and 8 share %d of 800 sentences at the same index", same)
	}
}
