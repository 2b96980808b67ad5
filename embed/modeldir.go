package embed

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// checkModelDir tells apart the directories a user may give --model by
// mistake before TensorFlow sees them: a missing path, a training run
// (checkpoints/ and config.toml: it must be exported first) and any other
// directory without saved_model.pb. Each is an errs.BadData error that
// says what to do.
func checkModelDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errs.BadData("embed: model %s does not exist (give a SavedModel directory written by voxsiam export, or leave --model out for the shipped model)", dir)
	case err != nil:
		return errs.BadData("embed: model %s: %w", dir, err)
	case !st.IsDir():
		return errs.BadData("embed: model %s is a file, not a SavedModel directory (the directory holding saved_model.pb)", dir)
	}
	if exists(filepath.Join(dir, "saved_model.pb")) {
		return nil
	}
	if exists(filepath.Join(dir, "checkpoints")) || exists(filepath.Join(dir, "config.toml")) {
		return errs.BadData("embed: model %s is a training run, not a SavedModel: export it first (voxsiam export --run %s --out MODEL_DIR) and give MODEL_DIR", dir, dir)
	}
	return errs.BadData("embed: model %s holds no saved_model.pb: not a SavedModel (give the directory voxsiam export wrote, or leave --model out for the shipped model)", dir)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
