package vecio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Entry is one keyed vector of a Kaldi archive.
type Entry struct {
	Key string
	Vec []float32
}

// ArkReader reads Kaldi archives of float vectors, binary (FV, DV) or text,
// entry by entry.
type ArkReader struct {
	r    *bufio.Reader
	name string // file name used in errors
	off  int64  // byte offset of the next unread byte
	line int    // 1-based line of the next unread byte
}

// NewArkReader reads an archive from r; name labels errors.
func NewArkReader(r io.Reader, name string) *ArkReader {
	return &ArkReader{r: bufio.NewReaderSize(r, 1<<16), name: name, line: 1}
}

// ReadArk reads all entries of the archive at path.
func ReadArk(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vecio: %w", err)
	}
	defer f.Close()
	ar := NewArkReader(f, path)
	var out []Entry
	for {
		e, err := ar.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}

// Next returns the next entry, or io.EOF after the last one.
func (a *ArkReader) Next() (Entry, error) {
	if err := a.skipSpace(); err != nil {
		return Entry{}, err
	}
	key, err := a.readKey()
	if err != nil {
		return Entry{}, err
	}
	vec, err := a.readObject()
	if err != nil {
		return Entry{}, a.fail("key %q: %v", key, err)
	}
	return Entry{Key: key, Vec: vec}, nil
}

func (a *ArkReader) fail(format string, args ...any) error {
	return errs.BadData("vecio: %s line %d (byte %d): %s", a.name, a.line, a.off, fmt.Sprintf(format, args...))
}

func (a *ArkReader) readByte() (byte, error) {
	c, err := a.r.ReadByte()
	if err == nil {
		a.off++
		if c == '\n' {
			a.line++
		}
	}
	return c, err
}

func (a *ArkReader) skipSpace() error {
	for {
		c, err := a.r.ReadByte()
		if err != nil {
			return err // io.EOF: clean end of archive
		}
		if !isSpace(c) {
			return a.r.UnreadByte()
		}
		a.off++
		if c == '\n' {
			a.line++
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// readKey reads the key and the single space after it.
func (a *ArkReader) readKey() (string, error) {
	var key []byte
	for {
		c, err := a.readByte()
		if err == io.EOF {
			return "", a.fail("archive ends after key %q", key)
		}
		if err != nil {
			return "", a.fail("%v", err)
		}
		if c == ' ' {
			return string(key), nil
		}
		if isSpace(c) || c == 0 {
			return "", a.fail("expected a space after key %q, got %q", key, c)
		}
		if len(key) >= 4096 {
			return "", a.fail("key longer than 4096 bytes")
		}
		key = append(key, c)
	}
}

// readObject reads one vector at the current position: binary "\0B" header
// or text "[ ... ]".
func (a *ArkReader) readObject() ([]float32, error) {
	head, err := a.r.Peek(2)
	if err == nil && head[0] == 0 && head[1] == 'B' {
		a.r.Discard(2)
		a.off += 2
		return a.readBinaryVector()
	}
	return a.readTextVector()
}

func (a *ArkReader) readBinaryVector() ([]float32, error) {
	var hdr [8]byte // "FV " or "DV ", size byte, int32 length
	if _, err := io.ReadFull(a.r, hdr[:]); err != nil {
		return nil, fmt.Errorf("truncated binary header: %v", err)
	}
	a.off += 8
	tok := string(hdr[:3])
	if tok != "FV " && tok != "DV " {
		return nil, fmt.Errorf("binary object %q is not a float vector (want FV or DV)", tok)
	}
	if hdr[3] != 4 {
		return nil, fmt.Errorf("vector length size byte %d, want 4", hdr[3])
	}
	n := int32(binary.LittleEndian.Uint32(hdr[4:]))
	if n < 0 {
		return nil, fmt.Errorf("negative vector length %d", n)
	}
	size := int64(4)
	if tok == "DV " {
		size = 8
	}
	return a.readFloats(int(n), size)
}

// readFloats reads n little-endian floats of size bytes each. The buffer
// grows with the data actually present, so a bogus length cannot allocate
// more than the input holds.
func (a *ArkReader) readFloats(n int, size int64) ([]float32, error) {
	var buf []byte
	want := int64(n) * size
	for int64(len(buf)) < want {
		chunk := min(want-int64(len(buf)), 1<<20)
		start := len(buf)
		buf = append(buf, make([]byte, chunk)...)
		got, err := io.ReadFull(a.r, buf[start:])
		a.off += int64(got)
		if err != nil {
			return nil, fmt.Errorf("truncated vector data: %d of %d bytes", int64(start+got), want)
		}
	}
	vec := make([]float32, n)
	for i := range vec {
		if size == 4 {
			vec[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		} else {
			vec[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:])))
		}
	}
	return vec, nil
}

// readTextVector reads "[ v1 v2 ... ]" on the current line.
func (a *ArkReader) readTextVector() ([]float32, error) {
	tok, err := a.textToken()
	if err != nil {
		return nil, err
	}
	if tok != "[" {
		return nil, fmt.Errorf("expected \"[\" or a binary object, got %q", tok)
	}
	vec := []float32{}
	for {
		tok, err := a.textToken()
		if err != nil {
			return nil, err
		}
		if tok == "]" {
			return vec, nil
		}
		v, err := strconv.ParseFloat(tok, 32)
		if err != nil {
			return nil, fmt.Errorf("bad number %q in text vector", tok)
		}
		vec = append(vec, float32(v))
	}
}

// textToken returns the next blank-separated token on the current line.
func (a *ArkReader) textToken() (string, error) {
	var tok []byte
	for {
		c, err := a.r.ReadByte()
		if err != nil {
			if len(tok) > 0 && errors.Is(err, io.EOF) {
				return string(tok), nil
			}
			return "", errors.New("text vector not closed by \"]\" before the end of the file")
		}
		switch {
		case c == '\n' || c == '\r':
			a.r.UnreadByte()
			if len(tok) > 0 {
				return string(tok), nil
			}
			return "", errors.New("text vector not closed by \"]\" on its line")
		case c == ' ' || c == '\t':
			a.off++
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			a.off++
			if len(tok) >= 64 {
				return "", errors.New("token longer than 64 bytes in text vector")
			}
			tok = append(tok, c)
		}
	}
}
