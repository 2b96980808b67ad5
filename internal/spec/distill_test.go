package spec

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestDistillConfig: the distillation keys' validation, and pkld_weight 0
// (distillation only) surviving TOML, where 0 is no default.
func TestDistillConfig(t *testing.T) {
	zero := 0.0
	two := 2.0
	for _, c := range []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = valid
	}{
		{"defaults", Config{Speakers: 4}, ""},
		{"relational", Config{Speakers: 4, Distill: "relational", TeacherDim: 256}, ""},
		{"regression only", Config{Speakers: 4, Distill: "regression", TeacherDim: 192, PKLDWeight: &zero}, ""},
		{"unknown form", Config{Speakers: 4, Distill: "contrastive", TeacherDim: 8}, `distill = "contrastive"`},
		{"no teacher dim", Config{Speakers: 4, Distill: "relational"}, "needs teacher_dim"},
		{"sequence layer", Config{Speakers: 4, Distill: "relational", TeacherDim: 8, DistillLayer: "L2"}, `distill_layer = "L2"`},
		{"negative weight", Config{Speakers: 4, Distill: "relational", TeacherDim: 8, DistillWeight: -1}, "distill_weight = -1"},
		{"pkld weight without teacher", Config{Speakers: 4, PKLDWeight: &two}, "pkld_weight = 2 without distillation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if c.want == "" && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("Validate: %v, want an error with %q", err, c.want)
			}
		})
	}
	var c Config
	if _, err := toml.Decode("distill = \"relational\"\npkld_weight = 0.0\n", &c); err != nil {
		t.Fatal(err)
	}
	if c.PKLD() != 0 || (Config{}).PKLD() != 1 {
		t.Errorf("PKLD() = %g after pkld_weight = 0, %g unset; want 0 and 1", c.PKLD(), Config{}.PKLD())
	}
	if w := DefaultConfig(7).LayerWidth("L7"); w != 7 {
		t.Errorf("LayerWidth(L7) = %d, want 7 (speakers)", w)
	}
}
