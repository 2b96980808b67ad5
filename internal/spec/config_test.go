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
		LSTMImpl: "unrolled", EmbeddingLayer: "L3", DType: "float32", Precision: "fp32",
		CMN: "none", CMNWindow: 300, Distill: "none", DistillWeight: 1, DistillLayer: "L3"}
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

// TestCMNConfig: [model] cmn and cmn_window are validated (an unknown
// mode and a window below one frame are errors naming the key and the
// modes); "" is "none".
func TestCMNConfig(t *testing.T) {
	for _, c := range []struct {
		cmn    string
		window int
		want   string // "" = valid
	}{
		{"", 0, ""}, {"none", 0, ""}, {"utterance", 0, ""}, {"sliding", 150, ""},
		{"kaldi", 0, `cmn = "kaldi", want one of none, utterance, sliding`},
		{"sliding", -3, "cmn_window = -3, need >= 1"},
	} {
		cfg := Config{Speakers: 4, CMN: c.cmn, CMNWindow: c.window}
		err := cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("cmn %q window %d: %v", c.cmn, c.window, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("cmn %q window %d: %v, want an error with %q", c.cmn, c.window, err, c.want)
		}
	}
}
