package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestScanSymlinks scans every layout's corpus through symbolic links: a
// root whose top-level entries (speaker or set directories, Kaldi's data/
// and wav/) are links into the real tree, reached itself through a link,
// with two loops (a link to the root and a directory linking to itself).
// Scan must find exactly the items of the real tree.
func TestScanSymlinks(t *testing.T) {
	for _, tc := range layoutCases {
		t.Run(tc.name, func(t *testing.T) {
			store := tree(t, tc.files)
			comb := filepath.Join(t.TempDir(), "comb")
			if err := os.Mkdir(comb, 0o755); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(store)
			if err != nil {
				t.Fatal(err)
			}
			var dirs []string
			for _, e := range entries {
				symlink(t, filepath.Join(store, e.Name()), filepath.Join(comb, e.Name()))
				if e.IsDir() {
					dirs = append(dirs, e.Name())
				}
			}
			symlink(t, ".", filepath.Join(comb, "loop"))
			symlink(t, ".", filepath.Join(store, slices.Min(dirs), "self"))
			root := filepath.Join(t.TempDir(), "corpus")
			symlink(t, comb, root)
			if tc.layout == Kaldi {
				root = filepath.Join(root, "data")
			}
			checkScan(t, root, tc)
		})
	}
}

// TestKaldiLinkedDataDir: a data directory linked in on its own finds its
// recordings, named relative to its real recipe directory.
func TestKaldiLinkedDataDir(t *testing.T) {
	tc := layoutCases[slices.IndexFunc(layoutCases, func(c layoutCase) bool { return c.layout == Kaldi })]
	store := tree(t, tc.files)
	root := filepath.Join(t.TempDir(), "train")
	symlink(t, filepath.Join(store, "data"), root)
	checkScan(t, root, tc)
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
