package store

import (
	"bytes"
	"fmt"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// npyHeaderLen is the fixed size of the .npy header this package writes:
// magic (6) + version (2) + header length (2) + dict padded with spaces and
// ending in '\n'. 128 is a multiple of 64 (numpy's alignment) and leaves room
// for a shape of two 20-digit numbers, so Commit can patch the shape in place.
const npyHeaderLen = 128

var npyMagic = []byte("\x93NUMPY")

// dtype of the frames: the .npy descr and the item size in bytes.
type dtype struct {
	descr string // "<f4" or "<f2"
	size  int    // 4 or 2
}

var (
	float32Type = dtype{"<f4", 4}
	float16Type = dtype{"<f2", 2}
)

// npyHeader returns the fixed-size v1.0 header of a C-order 2-D array.
func npyHeader(dt dtype, rows int64, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", dt.descr, rows, cols)
	h := make([]byte, 0, npyHeaderLen)
	h = append(h, npyMagic...)
	h = append(h, 1, 0)
	n := npyHeaderLen - 10
	h = append(h, byte(n), byte(n>>8))
	h = append(h, dict...)
	if len(h) > npyHeaderLen-1 {
		panic("store: npy header overflow")
	}
	h = append(h, bytes.Repeat([]byte{' '}, npyHeaderLen-1-len(h))...)
	return append(h, '\n')
}

// npyInfo is what parseNpyHeader learned from a header.
type npyInfo struct {
	dt         dtype
	rows       int64
	cols       int
	dataOffset int64
}

// parseNpyHeader parses the header at the start of b (any .npy v1/v2
// header, not only ours, read by vecio.ParseNpyHeader) and checks that it
// holds a C-order 2-D float32 or float16 array; name is used in error
// messages.
func parseNpyHeader(name string, b []byte) (npyInfo, error) {
	var info npyInfo
	h, err := vecio.ParseNpyHeader(name, b)
	if err != nil {
		return info, err
	}
	switch h.Descr {
	case float32Type.descr:
		info.dt = float32Type
	case float16Type.descr:
		info.dt = float16Type
	default:
		return info, errs.BadData("store: %s: unsupported dtype %q (want <f4 or <f2)", name, h.Descr)
	}
	switch {
	case h.Fortran:
		return info, errs.BadData("store: %s: .npy array is not C order", name)
	case len(h.Shape) != 2:
		return info, errs.BadData("store: %s: .npy shape is not 2-D: %v", name, h.Shape)
	case h.Shape[0] < 0 || h.Shape[1] < 1 || h.Shape[1] > 1<<31-1:
		return info, errs.BadData("store: %s: bad .npy shape %v", name, h.Shape)
	}
	info.rows, info.cols, info.dataOffset = int64(h.Shape[0]), h.Shape[1], h.DataOffset
	return info, nil
}
