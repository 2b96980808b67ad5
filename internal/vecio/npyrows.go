package vecio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
)

// NpyRows writes a [rows, cols] float32 .npy file whose row count is
// known only at the end, without holding the rows: Append sends them to a
// temporary file beside the target, and Commit writes the target
// atomically, the header and then those bytes, byte for byte what
// WriteNpy writes for the same rows. Memory stays at one buffer whatever
// the row count; the disk holds the rows twice until Commit returns.
type NpyRows struct {
	path       string
	rows, cols int
	tmp        *os.File
	w          *bufio.Writer
	buf        []byte
}

// CreateNpyRows starts the file path (its directory must exist); the
// width is fixed by the first Append.
func CreateNpyRows(path string) (*NpyRows, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".rows*")
	if err != nil {
		return nil, fmt.Errorf("vecio: %w", err)
	}
	return &NpyRows{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20)}, nil
}

// Append adds the rows of data, row-major [len(data)/cols, cols].
func (n *NpyRows) Append(data []float32, cols int) error {
	if cols <= 0 || len(data)%cols != 0 || (n.cols != 0 && cols != n.cols) {
		panic(fmt.Sprintf("vecio: NpyRows.Append: %d values of width %d to rows of width %d", len(data), cols, n.cols))
	}
	n.cols = cols
	n.rows += len(data) / cols
	n.buf = n.buf[:0]
	for _, v := range data {
		n.buf = binary.LittleEndian.AppendUint32(n.buf, math.Float32bits(v))
	}
	if _, err := n.w.Write(n.buf); err != nil {
		return fmt.Errorf("vecio: write %s: %w", n.tmp.Name(), err)
	}
	return nil
}

// Rows is the number of rows appended.
func (n *NpyRows) Rows() int { return n.rows }

// Commit writes path (at least one row must have been appended) and
// removes the temporary file.
func (n *NpyRows) Commit() error {
	defer n.Abort()
	if n.rows == 0 {
		return fmt.Errorf("vecio: %s: no rows to write", n.path)
	}
	if err := n.w.Flush(); err != nil {
		return fmt.Errorf("vecio: write %s: %w", n.tmp.Name(), err)
	}
	if _, err := n.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("vecio: %w", err)
	}
	return atomicfile.Write(n.path, func(w io.Writer) error {
		if _, err := w.Write(npyHeader(n.rows, n.cols)); err != nil {
			return err
		}
		_, err := io.Copy(w, n.tmp)
		return err
	})
}

// Abort removes the temporary file; path is left as it was. It is a
// no-op after Commit or Abort.
func (n *NpyRows) Abort() {
	if n.tmp != nil {
		n.tmp.Close()
		os.Remove(n.tmp.Name())
		n.tmp = nil
	}
}
