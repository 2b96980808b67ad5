package graph

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/tools/store"
)

// TestFingerprintStores: the fingerprints of a store's copy equal the
// original's; a copy with one manifest line changed, or with frames.npy
// holding one other value, differs in that file's fingerprint only; a
// missing file and a short frames file give a *ProbeError naming the
// probe and the file (Short for the latter).
func TestFingerprintStores(t *testing.T) {
	const bins = 6
	dir := t.TempDir()
	st, _ := testStore(t, filepath.Join(dir, "feats"), bins, true)
	ws := workerStore(st)
	files := func(d string) StoreProbe {
		return StoreProbe{Device: "/device:CPU:0", Files: []string{filepath.Join(d, store.ManifestFile), filepath.Join(d, store.FeaturesFile)}, Frames: filepath.Join(d, store.FramesFile)}
	}
	copyStore := func(name string) string {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		for _, f := range []string{store.ManifestFile, store.FeaturesFile, store.FramesFile, store.SpeakersFile} {
			copyFile(t, filepath.Join(st.Dir(), f), filepath.Join(d, f), 0)
		}
		return d
	}
	same, manifest, frames := copyStore("same"), copyStore("manifest"), copyStore("frames")
	edit := func(path string, f func([]byte) []byte) {
		b, _ := os.ReadFile(path)
		if err := os.WriteFile(path, f(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit(filepath.Join(manifest, store.ManifestFile), func(b []byte) []byte { return bytes.Replace(b, []byte("u3\t"), []byte("u9\t"), 1) })
	last := (st.NumFrames() - 1) * bins // the last row is sampled: change its first value
	edit(filepath.Join(frames, store.FramesFile), func(b []byte) []byte { b[st.DataOffset()+2*last] ^= 1; return b })
	fps, err := FingerprintStores(SessionOptions{IntraOp: 1, InterOp: 1}, ws, bins,
		[]StoreProbe{files(st.Dir()), files(same), files(manifest), files(frames)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fps[0]) != 3 || len(fps[0][0]) != 8 || len(fps[0][2]) != 8*(1+int(min(st.NumFrames(), storeSamples))) {
		t.Fatalf("fingerprints of the original: %d files, sizes %d and %d", len(fps[0]), len(fps[0][0]), len(fps[0][2]))
	}
	for k, want := range [][3]bool{{true, true, true}, {true, true, true}, {false, true, true}, {true, true, false}} {
		for f := range want {
			if got := bytes.Equal(fps[0][f], fps[k][f]); got != want[f] {
				t.Errorf("probe %d, file %d: equal to the original %v, want %v", k, f, got, want[f])
			}
		}
	}

	missing := filepath.Join(dir, "missing")
	short := copyStore("short")
	copyFile(t, filepath.Join(st.Dir(), store.FramesFile), filepath.Join(short, store.FramesFile), -2)
	for _, c := range []struct {
		probe StoreProbe
		path  string
		short bool
	}{
		{files(missing), filepath.Join(missing, store.ManifestFile), false},
		{files(short), filepath.Join(short, store.FramesFile), true},
	} {
		_, err := FingerprintStores(SessionOptions{IntraOp: 1, InterOp: 1}, ws, bins, []StoreProbe{files(st.Dir()), c.probe})
		var pe *ProbeError
		t.Logf("%s: %v", c.path, err)
		if !errors.As(err, &pe) || pe.Probe != 1 || pe.Path != c.path || pe.Short != c.short {
			t.Errorf("probe of %s: %v (%+v); want a ProbeError of probe 1 naming %s, short %v", c.path, err, pe, c.path, c.short)
		}
	}
}
