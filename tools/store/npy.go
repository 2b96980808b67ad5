package store

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"github.com/voxsiam/voxsiam/internal/errs"
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

var (
	reDescr   = regexp.MustCompile(`'descr':\s*'([^']*)'`)
	reFortran = regexp.MustCompile(`'fortran_order':\s*(True|False)`)
	reShape   = regexp.MustCompile(`'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)`)
)

// parseNpyHeader parses the header at the start of b (any .npy v1/v2/v3
// header, not only ours); name is used in error messages.
func parseNpyHeader(name string, b []byte) (npyInfo, error) {
	var info npyInfo
	if len(b) < 10 || !bytes.Equal(b[:6], npyMagic) {
		return info, errs.BadData("store: %s: not a .npy file (bad magic)", name)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(b[8])|int(b[9])<<8, 10
	case 2, 3:
		if len(b) < 12 {
			return info, errs.BadData("store: %s: truncated .npy header", name)
		}
		hlen, off = int(b[8])|int(b[9])<<8|int(b[10])<<16|int(b[11])<<24, 12
	default:
		return info, errs.BadData("store: %s: unsupported .npy version %d.%d", name, b[6], b[7])
	}
	if hlen < 0 || off+hlen > len(b) || hlen > 1<<20 {
		return info, errs.BadData("store: %s: truncated .npy header (%d bytes declared)", name, hlen)
	}
	dict := string(b[off : off+hlen])
	m := reDescr.FindStringSubmatch(dict)
	switch {
	case m == nil:
		return info, errs.BadData("store: %s: .npy header has no descr: %q", name, dict)
	case m[1] == float32Type.descr:
		info.dt = float32Type
	case m[1] == float16Type.descr:
		info.dt = float16Type
	default:
		return info, errs.BadData("store: %s: unsupported dtype %q (want <f4 or <f2)", name, m[1])
	}
	if f := reFortran.FindStringSubmatch(dict); f == nil || f[1] != "False" {
		return info, errs.BadData("store: %s: .npy array is not C order", name)
	}
	s := reShape.FindStringSubmatch(dict)
	if s == nil {
		return info, errs.BadData("store: %s: .npy shape is not 2-D: %q", name, dict)
	}
	rows, err1 := strconv.ParseInt(s[1], 10, 64)
	cols, err2 := strconv.ParseInt(s[2], 10, 32)
	if err1 != nil || err2 != nil || cols < 1 || rows < 0 {
		return info, errs.BadData("store: %s: bad .npy shape (%s, %s)", name, s[1], s[2])
	}
	info.rows, info.cols, info.dataOffset = rows, int(cols), int64(off+hlen)
	return info, nil
}
