package spec

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
)

// TestDefaultConfig checks the reference values of Stadelmann et al. 2018
// (docs/method.md, from the paper and the ZHAW code) and
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
