package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
)

// TestDefaultConfig checks the reference values of Stadelmann et al. 2018
// (README "Reference configuration", from the paper and the ZHAW code) and
// that TOML and JSON round-trip.
func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig(100)
	want := Config{Frames: 40, Bins: 128, LSTM1: 256, LSTM2: 256, Speakers: 100, Dense1: 1000, Dense2: 500,
		Dropout1: 0.5, Dropout2: 0.25, DenseActivation: "linear", OutputActivation: "softmax", Loss: "pkld",
		Hinge: "hinge", Margin: 3, Epsilon: 1e-7, LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, AdamEpsilon: 1e-8,
		LSTMImpl: "unrolled", EmbeddingLayer: "L3", DType: "float32", Precision: "fp32"}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("DefaultConfig(100) (-want +got):\n%s", d)
	}
	var buf strings.Builder
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "output_activation = \"softmax\"") {
		t.Errorf("TOML lacks snake_case keys:\n%s", buf.String())
	}
	var back Config
	if _, err := toml.Decode(buf.String(), &back); err != nil || back != c {
		t.Errorf("TOML round trip: %v, %+v", err, back)
	}
	js, _ := json.Marshal(c)
	var jback Config
	if err := json.Unmarshal(js, &jback); err != nil || jback != c {
		t.Errorf("JSON round trip: %v, %+v", err, jback)
	}
}

// TestValidate lists invalid configurations and the field each names.
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
