package graph

import (
	"strings"
	"testing"
)

// TestValidate lists invalid configurations (spec.Config.Validate), the
// field each names, and checks that Build refuses them.
func TestValidate(t *testing.T) {
	cases := []struct {
		name, want string
		edit       func(*Config)
	}{
		{"ok", "", func(c *Config) {}},
		{"one speaker", "speakers", func(c *Config) { c.Speakers = 1 }},
		{"negative frames", "frames", func(c *Config) { c.Frames = -1 }},
		{"dropout 1", "dropout1", func(c *Config) { c.Dropout1 = 1 }},
		{"dropout off", "", func(c *Config) { c.Dropout1, c.Dropout2 = -1, -1 }},
		{"loss", "loss", func(c *Config) { c.Loss = "contrastive" }},
		{"hinge", "hinge", func(c *Config) { c.Hinge = "square" }},
		{"activation", "output_activation", func(c *Config) { c.OutputActivation = "tanh" }},
		{"impl", "lstm_impl", func(c *Config) { c.LSTMImpl = "cudnn" }},
		{"block float64", "block", func(c *Config) { c.LSTMImpl, c.DType = "block", "float64" }},
		{"precision", "precision", func(c *Config) { c.Precision = "fp16" }},
		{"bf16 float64", "precision", func(c *Config) { c.Precision, c.DType = "bf16", "float64" }},
		{"int8 block", "precision", func(c *Config) { c.Precision, c.LSTMImpl = "int8", "block" }},
		{"layer", "embedding_layer", func(c *Config) { c.EmbeddingLayer = "L9" }},
		{"beta", "beta1", func(c *Config) { c.Beta1 = 1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig(10)
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
			if tc.want != "" {
				if _, err := Build(c, Inference); err == nil {
					t.Error("Build accepted an invalid config")
				}
			}
		})
	}
}
