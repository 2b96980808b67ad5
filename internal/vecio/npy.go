package vecio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// ReadNpy reads a 2-D .npy matrix (dtype <f4 or <f8, C order) as row-major
// float32 data of shape [rows, cols]. A 1-D array of length n reads as
// [n, 1]. Truncated data, other dtypes, Fortran order and more than two
// dimensions are data errors naming path.
func ReadNpy(path string) (data []float32, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("vecio: %w", err)
	}
	defer f.Close()
	if err := checkNpyHeader(f); err != nil {
		return nil, 0, 0, errs.BadData("vecio: %s: not a .npy file: %v", path, err)
	}
	r, err := newNpyReader(f)
	if err != nil {
		return nil, 0, 0, errs.BadData("vecio: %s: not a .npy file: %v", path, err)
	}
	h := r.Header.Descr
	h.Type = strings.Trim(h.Type, "'\"")
	rows, cols, err = npyShape(h.Shape)
	if err == nil && h.Fortran {
		err = fmt.Errorf("Fortran order is not supported")
	}
	if err == nil {
		err = checkNpySize(f, rows, cols, npyItemSize(h.Type))
	}
	if err != nil {
		return nil, 0, 0, errs.BadData("vecio: %s: %v", path, err)
	}
	data, err = readNpyData(r, h.Type, rows*cols)
	if err != nil {
		return nil, 0, 0, errs.BadData("vecio: %s: %v", path, err)
	}
	return data, rows, cols, nil
}

// newNpyReader parses the header; npyio panics on some malformed headers,
// which are data errors here.
func newNpyReader(f *os.File) (*npyio.Reader, error) {
	return parseNpy(bufio.NewReaderSize(f, 1<<16))
}

func npyShape(shape []int) (rows, cols int, err error) {
	switch len(shape) {
	case 1:
		return shape[0], 1, nil
	case 2:
		return shape[0], shape[1], nil
	}
	return 0, 0, fmt.Errorf("shape %v: want a 2-D array [N, D]", shape)
}

func npyItemSize(dtype string) int {
	switch dtype {
	case "<f4":
		return 4
	case "<f8":
		return 8
	}
	return 0
}

// npyHeaderLen returns the length of the magic, version, length field and
// header of a .npy file.
func npyHeaderLen(f io.ReaderAt) (int64, error) {
	var pre [12]byte
	n, err := f.ReadAt(pre[:], 0)
	if n < 10 {
		return 0, fmt.Errorf("short file: %v", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return 0, fmt.Errorf("bad magic %q", pre[:6])
	}
	switch {
	case pre[6] == 1:
		return 10 + int64(binary.LittleEndian.Uint16(pre[8:10])), nil
	case (pre[6] == 2 || pre[6] == 3) && n == 12:
		return 12 + int64(binary.LittleEndian.Uint32(pre[8:12])), nil
	}
	return 0, fmt.Errorf("unknown format version %d", pre[6])
}

// checkNpyHeader rejects headers longer than the file or than 1 MiB before
// the npy reader allocates them.
func checkNpyHeader(f *os.File) error {
	hlen, size, err := npyFileSizes(f)
	if err == nil && (hlen > size || hlen > 1<<20) {
		err = fmt.Errorf("header of %d bytes in a file of %d", hlen, size)
	}
	return err
}

// npyFileSizes returns the header length and the size of the file f.
func npyFileSizes(f *os.File) (hlen, size int64, err error) {
	if hlen, err = npyHeaderLen(f); err != nil {
		return 0, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	return hlen, st.Size(), nil
}

// checkNpySize compares the bytes after the header with the header's shape.
func checkNpySize(f *os.File, rows, cols, item int) error {
	if rows < 0 || cols < 0 {
		return fmt.Errorf("negative shape [%d, %d]", rows, cols)
	}
	if rows == 0 || cols == 0 || item == 0 {
		return nil
	}
	hlen, size, err := npyFileSizes(f)
	if err != nil {
		return err
	}
	have := size - hlen
	if int64(rows) > have || int64(cols) > have || int64(rows)*int64(cols) > have/int64(item) {
		return fmt.Errorf("truncated data: %d bytes for shape [%d, %d] of %d-byte values", have, rows, cols, item)
	}
	return nil
}

func readNpyData(r *npyio.Reader, dtype string, n int) ([]float32, error) {
	if n == 0 {
		return []float32{}, nil
	}
	switch dtype {
	case "<f4":
		data := make([]float32, n)
		if err := r.Read(&data); err != nil && err != io.EOF {
			return nil, err
		}
		return data, nil
	case "<f8":
		d64 := make([]float64, n)
		if err := r.Read(&d64); err != nil && err != io.EOF {
			return nil, err
		}
		data := make([]float32, n)
		for i, v := range d64 {
			data[i] = float32(v)
		}
		return data, nil
	}
	return nil, fmt.Errorf("dtype %q: want float32 (<f4) or float64 (<f8)", dtype)
}

// WriteNpy writes data, row-major [rows, cols] float32, to path as a .npy v1
// file, atomically (a temporary file renamed into place).
func WriteNpy(path string, data []float32, rows, cols int) error {
	if rows <= 0 || cols <= 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("vecio: WriteNpy: %d values for shape [%d, %d]", len(data), rows, cols))
	}
	return atomicfile.Write(path, func(w io.Writer) error { return writeNpy(w, data, rows, cols) })
}

// writeNpy writes a .npy header for a C-order [rows, cols] <f4 array and
// the data in little-endian bytes, a chunk at a time. The header is the
// one npyio.Write wrote before (format 2.0, padded with spaces to a
// multiple of 16 bytes), so files are byte-identical to earlier versions';
// npyio's writer itself reflects over every value, minutes for 10⁸ floats.
func writeNpy(w io.Writer, data []float32, rows, cols int) error {
	if _, err := w.Write(npyHeader(rows, cols)); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for i, v := range data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		if len(buf) == cap(buf) || i == len(data)-1 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// npyHeader is the .npy header of a C-order [rows, cols] <f4 array that
// writeNpy writes: format 2.0, padded with spaces to a multiple of 16 bytes.
func npyHeader(rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	total := (12 + len(dict) + 1 + 15) / 16 * 16
	h := binary.LittleEndian.AppendUint32([]byte("\x93NUMPY\x02\x00"), uint32(total-12))
	h = append(h, dict...)
	h = append(h, strings.Repeat(" ", total-1-len(h))...)
	return append(h, '\n')
}
