// Package defaultmodel ships voxsiam's default speaker-embedding model: a
// SavedModel trained by `make model` (scripts/model.sh; its model card is
// MODEL_CARD.md beside this file), compiled into the binary so that
// `voxsiam embed` works without --model on a fresh clone. TensorFlow loads
// SavedModels from directories, so Dir writes the files once to the user's
// cache directory and returns that path.
package defaultmodel

import (
	"crypto/sha256"
	stdembed "embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

//go:embed all:savedmodel
var files stdembed.FS

const root = "savedmodel"

var (
	once   sync.Once
	dir    string
	dirErr error
)

// Dir returns a directory holding the default SavedModel:
// <user cache dir>/voxsiam/default-model-<hash of its files>, written on first
// use (atomically: a temporary directory renamed into place).
// VOXSIAM_CACHE_DIR replaces the user cache directory.
func Dir() (string, error) {
	once.Do(func() { dir, dirErr = materialise() })
	return dir, dirErr
}

func materialise() (string, error) {
	base := os.Getenv("VOXSIAM_CACHE_DIR")
	if base == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("defaultmodel: no cache directory (set VOXSIAM_CACHE_DIR): %w", err)
		}
		base = filepath.Join(c, "voxsiam")
	}
	sum, err := Hash()
	if err != nil {
		return "", err
	}
	dst := filepath.Join(base, "default-model-"+sum[:16])
	if _, err := os.Stat(filepath.Join(dst, "saved_model.pb")); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("defaultmodel: %w", err)
	}
	tmp, err := os.MkdirTemp(base, ".default-model-")
	if err != nil {
		return "", fmt.Errorf("defaultmodel: %w", err)
	}
	if err := copyTree(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(filepath.Join(dst, "saved_model.pb")); serr == nil {
			return dst, nil // another process won the race
		}
		return "", fmt.Errorf("defaultmodel: %w", err)
	}
	return dst, nil
}

// Hash is the hex SHA-256 over the shipped files' paths and contents,
// except the variables' data shards, which it covers by their size: their
// contents are pinned by the checksums of every tensor in
// variables.index. (Hashing the 27 MB shard cost every embed run ~0.1 s.)
func Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), "variables.data-") {
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00", p, info.Size())
			return nil
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("defaultmodel: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func copyTree(dst string) error {
	return fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.FromSlash(p))
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return fmt.Errorf("defaultmodel: %w", err)
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return fmt.Errorf("defaultmodel: %w", err)
		}
		return nil
	})
}
