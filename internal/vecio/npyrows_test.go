package vecio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestNpyRows checks that rows appended in uneven chunks give the file
// WriteNpy writes for all of them at once, byte for byte (so ReadNpy and
// numpy read it alike), and that no temporary file is left behind after
// Commit or Abort.
func TestNpyRows(t *testing.T) {
	dir := t.TempDir()
	const rows, cols = 1003, 7
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = float32(i)*0.25 - 3
	}
	want := filepath.Join(dir, "want.npy")
	if err := WriteNpy(want, data, rows, cols); err != nil {
		t.Fatal(err)
	}
	n, err := CreateNpyRows(filepath.Join(dir, "got.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r < rows; {
		k := min(1+r%13, rows-r)
		if err := n.Append(data[r*cols:(r+k)*cols], cols); err != nil {
			t.Fatal(err)
		}
		r += k
	}
	if n.Rows() != rows {
		t.Errorf("Rows %d, want %d", n.Rows(), rows)
	}
	if err := n.Commit(); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(want)
	b, _ := os.ReadFile(filepath.Join(dir, "got.npy"))
	if !bytes.Equal(a, b) {
		t.Errorf("streamed file (%d bytes) differs from WriteNpy's (%d bytes)", len(b), len(a))
	}
	empty, err := CreateNpyRows(filepath.Join(dir, "empty.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if err := empty.Commit(); err == nil {
		t.Error("Commit of no rows succeeded")
	}
	aborted, _ := CreateNpyRows(filepath.Join(dir, "aborted.npy"))
	aborted.Append(data[:cols], cols)
	aborted.Abort()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		for _, e := range ents {
			t.Log(e.Name())
		}
		t.Errorf("%d files in the directory, want want.npy and got.npy", len(ents))
	}
}
