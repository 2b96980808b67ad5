package vecio

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"codeberg.org/sbinet/npyio"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// NpyHeader is what a .npy header says (ParseNpyHeader).
type NpyHeader struct {
	Descr      string // dtype, e.g. "<f4"
	Fortran    bool   // column-major data
	Shape      []int
	DataOffset int64 // bytes before the data: magic, version, length and the header dict
}

// ParseNpyHeader parses the .npy header (versions 1 and 2) at the start of
// b with npyio, the one .npy reader of the project (ReadNpy reads files
// with it). A header that is malformed, or declares more bytes than b
// holds, is bad data naming name.
func ParseNpyHeader(name string, b []byte) (NpyHeader, error) {
	hlen, err := npyHeaderLen(bytes.NewReader(b))
	if err == nil && (hlen > int64(len(b)) || hlen > 1<<20) {
		err = fmt.Errorf("header of %d bytes in %d", hlen, len(b))
	}
	if err != nil {
		return NpyHeader{}, errs.BadData("vecio: %s: not a .npy file: %v", name, err)
	}
	r, err := parseNpy(bytes.NewReader(b[:hlen]))
	if err != nil {
		return NpyHeader{}, errs.BadData("vecio: %s: not a .npy file: %v", name, err)
	}
	d := r.Header.Descr
	return NpyHeader{Descr: strings.Trim(d.Type, "'\""), Fortran: d.Fortran, Shape: d.Shape, DataOffset: hlen}, nil
}

// parseNpy reads a header with npyio, whose panics on some malformed
// headers are errors here.
func parseNpy(r io.Reader) (rd *npyio.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, fmt.Errorf("malformed header (%v)", p)
		}
	}()
	return npyio.NewReader(r)
}
