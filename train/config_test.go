package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, toml, errHas string
		check              func(Config) bool
	}{
		{"overrides", "[train]\nbatch = 32\nsampling = \"balanced\"\n[data]\nstore = \"feats\"\n", "",
			func(c Config) bool { return c.Train.Batch == 32 && c.Train.Steps == 10000 && c.Data.Store == "feats" }},
		{"unknown key named", "[train]\nbatchsize = 32\n", "train.batchsize", nil},
		{"unknown table named", "[optimizer]\nlr = 1\n", "optimizer", nil},
		{"bad type", "[train]\nbatch = \"x\"\n", "batch", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".toml")
			os.WriteFile(p, []byte(c.toml), 0o644)
			cfg, err := LoadConfig(p)
			if c.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errHas) {
					t.Fatalf("err %v, want one naming %q", err, c.errHas)
				}
				return
			}
			if err != nil || !c.check(cfg) {
				t.Fatalf("cfg %+v err %v", cfg, err)
			}
		})
	}
}

func TestConfigRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.toml")
	want := DefaultConfig()
	want.Train.Seed, want.Data.ValSpeakers = 99, "val.list"
	if err := WriteConfig(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Config)
	}{
		{"batch 1", func(c *Config) { c.Train.Batch = 1 }},
		{"sampling", func(c *Config) { c.Train.Sampling = "stratified" }},
		{"best metric", func(c *Config) { c.Train.BestMetric = "acc" }},
		{"val fraction", func(c *Config) { c.Data.ValFraction = 1 }},
		{"int8 training", func(c *Config) { c.Model.Precision = "int8" }},
		{"unknown loss", func(c *Config) { c.Model.Loss = "triplet" }},
		{"unknown activation", func(c *Config) { c.Model.DenseActivation = "gelu" }},
		{"relative worker store", func(c *Config) { c.Train.WorkerStore = "feats" }},
	}
	def := DefaultConfig()
	if err := def.Validate(); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.mod(&cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// TestExampleConfig: testdata/train.toml (the documented example) parses and
// spells out the defaults.
func TestExampleConfig(t *testing.T) {
	got, err := LoadConfig("testdata/train.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Data.Store = "feats"
	if d := cmp.Diff(want.Train, got.Train); d != "" {
		t.Errorf("[train] differs from the defaults (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want.Data, got.Data); d != "" {
		t.Errorf("[data] differs (-want +got):\n%s", d)
	}
	if got.Model.Loss != "pkld" || got.Model.Margin != 3 || got.Model.LSTM1 != 256 || got.Model.Precision != "fp32" {
		t.Errorf("[model] %+v", got.Model)
	}
}
