package vecio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// WriteArk writes one vector per id, emb row-major [len(ids), dim], as a
// Kaldi archive: binary float vectors (FV) when binary is true, else text
// vectors "key  [ v1 v2 ... ]". It returns, for each entry, the byte offset
// of its object (just after "key "), as an scp file records it.
func WriteArk(w io.Writer, ids []string, emb []float32, dim int, binary bool) ([]int64, error) {
	checkShape("WriteArk", ids, emb, dim)
	cw := &countWriter{w: w}
	offs := make([]int64, len(ids))
	for i, id := range ids {
		if id == "" || strings.ContainsAny(id, " \t\n\r") {
			return nil, fmt.Errorf("vecio: ark key %q is empty or holds whitespace", id)
		}
		io.WriteString(cw, id+" ")
		offs[i] = cw.n
		row := emb[i*dim : (i+1)*dim]
		if binary {
			writeBinaryVector(cw, row)
		} else {
			writeTextVector(cw, row)
		}
		if cw.err != nil {
			return nil, fmt.Errorf("vecio: write ark: %w", cw.err)
		}
	}
	return offs, nil
}

func checkShape(fn string, ids []string, emb []float32, dim int) {
	if dim <= 0 || len(emb) != len(ids)*dim {
		panic(fmt.Sprintf("vecio: %s: %d values for %d ids of dimension %d", fn, len(emb), len(ids), dim))
	}
}

func writeBinaryVector(w io.Writer, row []float32) {
	buf := make([]byte, 10+4*len(row))
	copy(buf, "\x00BFV \x04")
	binary.LittleEndian.PutUint32(buf[6:], uint32(len(row)))
	for j, v := range row {
		binary.LittleEndian.PutUint32(buf[10+4*j:], math.Float32bits(v))
	}
	w.Write(buf)
}

func writeTextVector(w io.Writer, row []float32) {
	b := []byte(" [ ")
	for _, v := range row {
		b = strconv.AppendFloat(b, float64(v), 'g', -1, 32)
		b = append(b, ' ')
	}
	b = append(b, "]\n"...)
	w.Write(b)
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// WriteArkScp writes a binary archive at arkPath and its index at scpPath
// ("key arkPath:offset" lines, arkPath as given).
func WriteArkScp(arkPath, scpPath string, ids []string, emb []float32, dim int) error {
	var offs []int64
	err := atomicfile.Write(arkPath, func(w io.Writer) error {
		var err error
		offs, err = WriteArk(w, ids, emb, dim, true)
		return err
	})
	if err != nil {
		return err
	}
	return atomicfile.Write(scpPath, func(w io.Writer) error {
		for i, id := range ids {
			if _, err := fmt.Fprintf(w, "%s %s:%d\n", id, arkPath, offs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReadScp reads the vectors an scp file points to ("key file[:offset]").
// A file that cannot be opened as given is looked up relative to the scp
// file's directory, then by its base name beside the scp file.
func ReadScp(path string) ([]Entry, error) {
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var out []Entry
	err := ScanFields(path, func(n int, fields []string) error {
		if len(fields) != 2 {
			return errs.BadData("vecio: %s line %d: want \"key file:offset\", got %d fields", path, n, len(fields))
		}
		vec, err := readScpTarget(files, path, n, fields[1])
		if err != nil {
			return err
		}
		out = append(out, Entry{Key: fields[0], Vec: vec})
		return nil
	})
	return out, err
}

func readScpTarget(files map[string]*os.File, scp string, line int, target string) ([]float32, error) {
	file, off := splitOffset(target)
	if off < 0 {
		return nil, errs.BadData("vecio: %s line %d: bad offset in %q", scp, line, target)
	}
	f, ok := files[file]
	if !ok {
		var err error
		if f, err = openBeside(scp, file); err != nil {
			return nil, errs.BadData("vecio: %s line %d: %v", scp, line, err)
		}
		files[file] = f
	}
	ar := NewArkReader(io.NewSectionReader(f, off, 1<<62), f.Name())
	ar.off = off
	ar.line = 0 // line numbers are unknown after a seek
	vec, err := ar.readObject()
	if err != nil {
		return nil, errs.BadData("vecio: %s line %d: %s at byte %d: %v", scp, line, f.Name(), off, err)
	}
	return vec, nil
}

// splitOffset splits "file:123" into file and offset; without a numeric
// suffix the offset is 0. A malformed offset returns -1.
func splitOffset(s string) (string, int64) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	off, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil || off < 0 {
		return s, -1
	}
	return s[:i], off
}

func openBeside(scp, file string) (*os.File, error) {
	f, err := os.Open(file)
	if err == nil {
		return f, nil
	}
	// A moved directory: try the path relative to the scp file, then the
	// archive's base name beside it.
	for _, alt := range []string{filepath.Join(filepath.Dir(scp), file), filepath.Join(filepath.Dir(scp), filepath.Base(file))} {
		if f2, err2 := os.Open(alt); err2 == nil {
			return f2, nil
		}
	}
	return nil, err
}
