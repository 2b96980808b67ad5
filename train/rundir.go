package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Files of a run directory (see the package documentation).
const (
	ConfigFile    = "config.toml"    // effective Config
	FeaturesFile  = feature.FileName // the store's feature.Config
	CheckpointDir = "checkpoints"    // ckpt-<step> prefixes and the "checkpoint" and "best" pointers
	TrainList     = "train.list"     // the training speakers, one a line
	ValList       = "val.list"       // the validation speakers, one a line (empty: none held out)
)

// ErrNotRun is wrapped by OpenRun when dir has no config.toml.
var ErrNotRun = errors.New("not a run directory")

// ErrNoCheckpoint is wrapped by RunDir.Checkpoint when the named
// checkpoint has no index file.
var ErrNoCheckpoint = errors.New("no such checkpoint")

// RunDir is a training run directory opened for reading (export, embed).
type RunDir struct {
	Dir string
	// Config is config.toml over DefaultConfig; Model.Bins and Model.Frames
	// left 0 there are n_mels and segment of Features.
	Config Config
	// Features is features.json read over feature.DefaultConfig (the
	// reading embed applies to voxsiam.json, which Export copies it into);
	// when it records no n_mels (a store without settings), the model's
	// bins.
	Features feature.Config
}

// OpenRun reads dir's config.toml and features.json. A missing config.toml
// wraps ErrNotRun; malformed files wrap errs.ErrBadData.
func OpenRun(dir string) (*RunDir, error) {
	path := filepath.Join(dir, ConfigFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("train: %s: %w (no %s)", dir, ErrNotRun, ConfigFile)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, errs.BadData("%v", err)
	}
	r := &RunDir{Dir: dir, Config: cfg}
	fpath := filepath.Join(dir, FeaturesFile)
	b, err := os.ReadFile(fpath)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if r.Features, err = feature.Decode(b, feature.DefaultConfig()); err != nil {
		return nil, errs.BadData("train: %s: %v", fpath, err)
	}
	m := &r.Config.Model
	if rec, _ := feature.Decode(b, feature.Config{}); rec.NMels == 0 && m.Bins != 0 {
		// A store that recorded no settings: the reference log-mel with
		// the store's bands, as source.FromStore reads it (the model's
		// bins), so the exported model's features agree with its input.
		r.Features.NMels = m.Bins
	}
	f := r.Features
	if m.Bins == 0 {
		m.Bins = f.NMels
	}
	if m.Frames == 0 {
		m.Frames = f.Segment
	}
	return r, nil
}

// Checkpoint returns the prefix of a checkpoint under checkpoints/: which
// is "latest" (or "") and "best" for the checkpoint the pointer files
// "checkpoint" and "best" name, a step number N for ckpt-N, or a
// checkpoint name such as ckpt-1200. A checkpoint without an index file
// wraps ErrNoCheckpoint; a missing pointer file wraps fs.ErrNotExist.
func (r *RunDir) Checkpoint(which string) (string, error) {
	c := ckptDir{dir: filepath.Join(r.Dir, CheckpointDir)}
	name := which
	switch which {
	case "", "latest", "best":
		file := "checkpoint"
		if which == "best" {
			file = "best"
		}
		n, err := c.pointer(file)
		if err == nil && n == "" {
			err = fmt.Errorf("train: %s: %w", filepath.Join(c.dir, file), fs.ErrNotExist)
		}
		if err != nil {
			return "", fmt.Errorf("checkpoint %s: %w", which, err)
		}
		name = n
	default:
		if _, err := strconv.ParseInt(which, 10, 64); err == nil {
			name = "ckpt-" + which
		}
	}
	prefix := filepath.Join(c.dir, filepath.Base(name))
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return "", fmt.Errorf("checkpoint %q: %w: no %s.index", which, ErrNoCheckpoint, prefix)
	}
	return prefix, nil
}

// CheckpointsUpTo returns the prefixes of the n newest checkpoints under
// checkpoints/ whose step is at most that of the checkpoint prefix (a
// ckpt-<step> prefix from Checkpoint), oldest first: fewer when the run
// keeps fewer.
func (r *RunDir) CheckpointsUpTo(prefix string, n int) ([]string, error) {
	end, err := parseCkptStep(filepath.Base(prefix))
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w", prefix, err)
	}
	c := ckptDir{dir: filepath.Join(r.Dir, CheckpointDir)}
	steps, err := c.steps()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var out []string
	for i := len(steps) - 1; i >= 0 && len(out) < n; i-- {
		if steps[i] <= end {
			out = append(out, filepath.Join(c.dir, ckptName(steps[i])))
		}
	}
	slices.Reverse(out)
	return out, nil
}
