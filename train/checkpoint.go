package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
)

// ckptDir manages <run>/checkpoints: ckpt-<step> prefixes, the "checkpoint"
// file naming the latest and the "best" file naming the best.
type ckptDir struct {
	dir  string
	keep int
}

func ckptName(step int64) string { return "ckpt-" + strconv.FormatInt(step, 10) }

// save writes ckpt-<step> with net, then points "checkpoint" at it (atomic
// rename, after the checkpoint files exist) and prunes old ones.
func (c *ckptDir) save(net Net, step int64) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	name := ckptName(step)
	if err := net.Save(filepath.Join(c.dir, name)); err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", name, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(c.dir, "checkpoint"), []byte(name+"\n")); err != nil {
		return err
	}
	return c.prune()
}

// setBest points "best" at ckpt-<step> (which must exist).
func (c *ckptDir) setBest(step int64) error {
	return atomicfile.WriteFile(filepath.Join(c.dir, "best"), []byte(ckptName(step)+"\n"))
}

// pointer reads the basename in file ("checkpoint" or "best"); "" if absent.
func (c *ckptDir) pointer(file string) (string, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, file))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("train: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if _, err := parseCkptStep(name); err != nil {
		return "", fmt.Errorf("train: %s: %w", filepath.Join(c.dir, file), err)
	}
	return name, nil
}

func parseCkptStep(name string) (int64, error) {
	s, ok := strings.CutPrefix(name, "ckpt-")
	if !ok {
		return 0, fmt.Errorf("%q is not a ckpt-<step> name", name)
	}
	return strconv.ParseInt(s, 10, 64)
}

// steps lists the steps of the checkpoints whose index file exists.
func (c *ckptDir) steps() ([]int64, error) {
	m, err := filepath.Glob(filepath.Join(c.dir, "ckpt-*.index"))
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, p := range m {
		if s, err := parseCkptStep(strings.TrimSuffix(filepath.Base(p), ".index")); err == nil {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// prune removes all but the last keep checkpoints, never the best or latest.
func (c *ckptDir) prune() error {
	steps, err := c.steps()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	protect := map[string]bool{}
	for _, f := range []string{"best", "checkpoint"} {
		n, err := c.pointer(f)
		if err != nil {
			return err
		}
		protect[n] = true
	}
	for i := 0; i < len(steps)-c.keep; i++ {
		name := ckptName(steps[i])
		if protect[name] {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(c.dir, name+".*"))
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("train: prune: %w", err)
			}
		}
	}
	return nil
}
