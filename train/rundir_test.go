package train

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// fakeRun writes a run directory: the given config.toml and features.json
// (skipped when ""), index files of ckpt-5 and ckpt-7, and the "checkpoint"
// pointer naming ckpt-7 (no "best").
func fakeRun(t *testing.T, config, features string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{ConfigFile: config, FeaturesFile: features,
		"checkpoints/ckpt-5.index": "", "checkpoints/ckpt-7.index": "", "checkpoints/checkpoint": "ckpt-7\n"}
	for name, data := range files {
		if (name == ConfigFile || name == FeaturesFile) && data == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestOpenRun: model bins and frames left 0 come from features.json
// (n_mels 16, segment 40 as written here), Features is the file over
// feature.DefaultConfig (hop 160 from there), with the model's bins when
// it records none; missing and malformed files give the documented error
// classes.
func TestOpenRun(t *testing.T) {
	const feats = `{"n_mels": 16, "segment": 40}`
	r, err := OpenRun(fakeRun(t, "[model]\nlstm1 = 5\n", feats))
	if err != nil {
		t.Fatal(err)
	}
	if m, f := r.Config.Model, r.Features; m.Bins != 16 || m.Frames != 40 || m.LSTM1 != 5 || f.NMels != 16 || f.Segment != 40 || f.Hop != 160 {
		t.Errorf("model %+v, features %+v", m, f)
	}
	for _, unrecorded := range []string{"{}", "null", `{"hop": 160}`} { // a store that recorded no bands
		r, err := OpenRun(fakeRun(t, "[model]\nbins = 8\n", unrecorded))
		if err != nil {
			t.Fatal(err)
		}
		if r.Features.NMels != 8 || r.Config.Model.Bins != 8 || r.Features.Kind != "logmel" {
			t.Errorf("features.json %s: features %+v, bins %d; want the model's 8 bins", unrecorded, r.Features, r.Config.Model.Bins)
		}
	}
	for _, c := range []struct {
		name, config, features string
		want                   error
	}{
		{"no config.toml", "", feats, ErrNotRun},
		{"bad toml", "[model\n", feats, errs.ErrBadData},
		{"unknown key", "[model]\nwidth = 3\n", feats, errs.ErrBadData},
		{"no features.json", "[model]\n", "", fs.ErrNotExist},
		{"bad features.json", "[model]\n", "{", errs.ErrBadData},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := OpenRun(fakeRun(t, c.config, c.features)); !errors.Is(err, c.want) {
				t.Errorf("OpenRun: %v, want %v", err, c.want)
			}
		})
	}
}

// TestRunCheckpoint: each way of naming a checkpoint resolves to the
// prefix fakeRun wrote, or to the documented error.
func TestRunCheckpoint(t *testing.T) {
	dir := fakeRun(t, "[model]\n", `{"n_mels": 16}`)
	r, err := OpenRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		which, want string
		err         error
	}{
		{"latest", "ckpt-7", nil},
		{"", "ckpt-7", nil},
		{"5", "ckpt-5", nil},
		{"ckpt-5", "ckpt-5", nil},
		{"8", "", ErrNoCheckpoint},
		{"best", "", fs.ErrNotExist},
	} {
		t.Run("which="+c.which, func(t *testing.T) {
			got, err := r.Checkpoint(c.which)
			if !errors.Is(err, c.err) || (c.err == nil && got != filepath.Join(dir, CheckpointDir, c.want)) {
				t.Errorf("Checkpoint(%q) = %q, %v; want %s, %v", c.which, got, err, c.want, c.err)
			}
		})
	}
}
