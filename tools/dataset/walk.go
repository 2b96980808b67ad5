package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errStopWalk ends walkAudio early without an error.
var errStopWalk = errors.New("dataset: stop walk")

// walkAudio calls fn for every audio file below root in lexical order, with
// the file's path and its path components relative to root. Unlike
// filepath.WalkDir it follows symbolic links to directories (speaker
// directories linked in from elsewhere, a linked root), so a tree of links
// scans like its copy. A link to a directory that is already on the current
// path (a loop, such as spk/self -> ..) is not descended. A link whose
// target is missing is passed to fn like a file when its name is audio, so
// loading it reports the broken link. fn returning errStopWalk ends the walk
// with a nil error.
func walkAudio(root string, fn func(path string, parts []string) error) error {
	st, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	err = walkDir(root, nil, []os.FileInfo{st}, fn)
	if err == errStopWalk {
		return nil
	}
	return err
}

// walkDir walks dir, whose components below the root are parts and whose
// directory (with its ancestors) is in chain.
func walkDir(dir string, parts []string, chain []os.FileInfo, fn func(string, []string) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		sub := append(parts[:len(parts):len(parts)], e.Name())
		isDir := e.IsDir()
		var st os.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			if st, err = os.Stat(p); err == nil && st.IsDir() {
				if onChain(st, chain) {
					continue // a loop
				}
				isDir = true
			}
		} else if isDir {
			if st, err = e.Info(); err != nil {
				return fmt.Errorf("dataset: %w", err)
			}
		}
		if isDir {
			if err := walkDir(p, sub, append(chain[:len(chain):len(chain)], st), fn); err != nil {
				return err
			}
			continue
		}
		if IsAudio(p) {
			if err := fn(p, sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// onChain reports whether directory st is one of chain.
func onChain(st os.FileInfo, chain []os.FileInfo) bool {
	for _, c := range chain {
		if os.SameFile(st, c) {
			return true
		}
	}
	return false
}
