package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// parseFiles parses every file matching pattern, in name order.
func parseFiles[T any](pattern string, parse func(name string, data []byte) (T, error)) ([]T, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	out := make([]T, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
		v, err := parse(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
