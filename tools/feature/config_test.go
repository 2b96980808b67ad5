package feature

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
)

// TestConfigRoundTrip: JSON (features.json) and TOML (config.toml) use the
// snake_case keys of the contract and round-trip every field.
func TestConfigRoundTrip(t *testing.T) {
	c := FbankConfig()
	c.VAD, c.FMax = true, 7600
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"sample_rate":16000`, `"n_fft":512`, `"win_length":400`, `"hop":160`, `"n_mels":128`, `"fmin":20`, `"fmax":7600`, `"kind":"fbank"`, `"segment":40`, `"partial":"overlap-last"`, `"vad":true`, `"vad_threshold_db":60`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("features.json %s lacks %s", b, key)
		}
	}
	var j Config
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := toml.NewEncoder(&sb).Encode(c); err != nil {
		t.Fatal(err)
	}
	var tm Config
	if _, err := toml.Decode(sb.String(), &tm); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c, j); d != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", d)
	}
	if d := cmp.Diff(c, tm); d != "" {
		t.Errorf("TOML round trip (-want +got):\n%s", d)
	}
}

// TestValidate lists invalid configurations and the field each must name.
func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"win longer than fft", func(c *Config) { c.WinLength = 2048 }, "win_length"},
		{"fmax above nyquist", func(c *Config) { c.FMax = 9000 }, "fmax"},
		{"unknown kind", func(c *Config) { c.Kind = "mfcc" }, "kind"},
		{"fbank with center", func(c *Config) { c.Kind = KindFbank }, "center"},
		{"bad partial", func(c *Config) { c.Partial = "repeat" }, "partial"},
		{"bad pad mode", func(c *Config) { c.PadMode = "edge" }, "pad_mode"},
		{"zero hop", func(c *Config) { c.Hop = 0 }, "hop"},
		{"bad window", func(c *Config) { c.Window = "blackman" }, "window"},
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	if err := FbankConfig().Validate(); err != nil {
		t.Fatalf("FbankConfig: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), c.field) {
				t.Errorf("Validate() = %v, want an error naming %s", err, c.field)
			}
			if _, err := NewExtractor(cfg); err == nil {
				t.Error("NewExtractor accepted it")
			}
		})
	}
}

// TestWithDefaults: the zero values resolve to the documented defaults.
func TestWithDefaults(t *testing.T) {
	c := DefaultConfig().WithDefaults()
	if c.WinLength != 1024 || c.FMax != 8000 || c.Window != "hann" || c.Partial != PartialOverlapLast || c.PadMode != "reflect" {
		t.Errorf("DefaultConfig().WithDefaults() = %+v", c)
	}
	f := Config{SampleRate: 8000, NFFT: 256, Hop: 80, NMels: 40, Kind: KindFbank, Segment: 40}.WithDefaults()
	if f.WinLength != 256 || f.FMax != 4000 || f.Window != "povey" || f.PadMode != "" {
		t.Errorf("fbank WithDefaults() = %+v", f)
	}
}
