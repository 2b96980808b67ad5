package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestParse: each Parse function accepts exactly its list's words ("" as
// FP32 for precisions) and names the flag and the valid words otherwise;
// the sequence layers are no embedding layers, and Config.Validate uses
// the same lists.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		parse          func(string) (string, error)
	}{
		{"precision default", "", FP32, func(s string) (string, error) { return ParsePrecision("--precision", s, nil) }},
		{"precision int8", "int8", INT8, func(s string) (string, error) { return ParsePrecision("--precision", s, nil) }},
		{"precision fp16", "fp16", "", func(s string) (string, error) { return ParsePrecision("--precision", s, nil) }},
		{"train precision int8", "int8", "", func(s string) (string, error) { return ParsePrecision("--precision", s, TrainPrecisions) }},
		{"train precision bf16", "bf16", BF16, func(s string) (string, error) { return ParsePrecision("--precision", s, TrainPrecisions) }},
		{"pooling weighted", "weighted", PoolWeighted, func(s string) (string, error) { return ParsePooling("--pooling", s) }},
		{"pooling max", "max", "", func(s string) (string, error) { return ParsePooling("--pooling", s) }},
		{"layer L7", "L7", "L7", func(s string) (string, error) { return ParseEmbeddingLayer("--layer", s) }},
		{"layer L3", "L3", "L3", func(s string) (string, error) { return ParseEmbeddingLayer("--layer", s) }},
		{"layer L1", "L1", "", func(s string) (string, error) { return ParseEmbeddingLayer("--layer", s) }},
		{"layer L2", "L2", "", func(s string) (string, error) { return ParseEmbeddingLayer("--layer", s) }},
		{"layer empty", "", "", func(s string) (string, error) { return ParseEmbeddingLayer("--layer", s) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.parse(c.in)
			switch {
			case c.want != "" && (err != nil || got != c.want):
				t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
			case c.want == "" && (!errors.Is(err, errs.ErrUsage) || !contains(err.Error(), "--") || !contains(err.Error(), "want one of")):
				t.Errorf("%q: %q, %v; want a usage error naming the flag and the words", c.in, got, err)
			}
		})
	}
	for _, l := range []string{"L1", "L2"} {
		c := DefaultConfig(10)
		c.EmbeddingLayer = l
		if err := c.Validate(); err == nil || !contains(err.Error(), "embedding_layer") {
			t.Errorf("Validate accepted embedding_layer %s: %v", l, err)
		}
	}
	for _, l := range EmbeddingLayers {
		c := DefaultConfig(10)
		c.EmbeddingLayer = l
		if err := c.Validate(); err != nil {
			t.Errorf("embedding_layer %s: %v", l, err)
		}
	}
}
