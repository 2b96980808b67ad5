package audio

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Format names a container recognised by Decode.
type Format string

// Formats recognised by their magic bytes.
const (
	FormatWAV    Format = "wav"    // RIFF/WAVE
	FormatFLAC   Format = "flac"   // native FLAC stream
	FormatSPHERE Format = "sphere" // NIST SPHERE (TIMIT)
)

// Info describes a decoded file.
type Info struct {
	Format   Format // container, from the magic bytes
	Rate     int    // sample rate in Hz
	Channels int    // channels in the file (Decode averages them to mono)
	Frames   int    // samples per channel actually decoded
	Bits     int    // bits per stored sample (32 or 64 for float WAV)
	Float    bool   // samples stored as IEEE floats
}

// Load reads the audio file at path and returns its samples as mono float32
// in [-1, 1] (multi-channel files are averaged) and its sample rate in Hz.
func Load(path string) (samples []float32, rate int, err error) {
	x, info, err := LoadInfo(path)
	return x, info.Rate, err
}

// LoadInfo is Load that also returns the file's Info.
func LoadInfo(path string) ([]float32, Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Info{}, fmt.Errorf("audio: %w", err)
	}
	defer f.Close()
	return DecodeInfo(f, path)
}

// LoadAt is Load followed by Resample to rate Hz (no-op when the file
// already has that rate).
func LoadAt(path string, rate int) ([]float32, error) {
	if rate <= 0 {
		panic("audio: LoadAt rate must be positive")
	}
	x, from, err := Load(path)
	if err != nil {
		return nil, err
	}
	return Resample(x, from, rate), nil
}

// Decode reads a WAV, FLAC or NIST SPHERE stream from r, chosen by its magic
// bytes (not by name, which only labels errors), and returns mono float32
// samples in [-1, 1] and the sample rate in Hz.
func Decode(r io.ReadSeeker, name string) (samples []float32, rate int, err error) {
	x, info, err := DecodeInfo(r, name)
	return x, info.Rate, err
}

// DecodeInfo is Decode that also returns the stream's Info.
func DecodeInfo(r io.ReadSeeker, name string) ([]float32, Info, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = r.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, Info{}, fmt.Errorf("audio: %s: seek: %w", name, err)
	}
	var magic [8]byte
	n, _ := io.ReadFull(r, magic[:])
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, Info{}, fmt.Errorf("audio: %s: seek: %w", name, err)
	}
	d := &decoder{r: r, name: name, size: size}
	var x []float32
	var info Info
	switch m := magic[:n]; {
	case n == 0:
		return nil, Info{}, errs.BadData("audio: %s: empty file", name)
	case bytes.HasPrefix(m, []byte("RIFF")) || bytes.HasPrefix(m, []byte("RIFX")) || bytes.HasPrefix(m, []byte("RF64")):
		x, info, err = d.wav()
	case bytes.HasPrefix(m, []byte("fLaC")) || bytes.HasPrefix(m, []byte("ID3")):
		x, info, err = d.flac()
	case bytes.HasPrefix(m, []byte("NIST_1A")):
		x, info, err = d.sphere()
	default:
		return nil, Info{}, errs.BadData("audio: %s: unknown format (magic %q; want RIFF/WAVE, fLaC or NIST_1A)", name, m)
	}
	if err != nil {
		return nil, info, err
	}
	if err := checkFinite(x, name); err != nil {
		return nil, info, err
	}
	return x, info, nil
}

// decoder carries what every format parser needs: the stream, its name for
// errors and its total size, which bounds every allocation.
type decoder struct {
	r    io.ReadSeeker
	name string
	size int64
}

// readFull reads n bytes (n already checked against d.size by the caller).
func (d *decoder) readFull(n int64, what string) ([]byte, error) {
	if n < 0 || n > d.size {
		return nil, errs.BadData("audio: %s: truncated %s (%d bytes needed, the file has %d)", d.name, what, n, d.size)
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(d.r, buf)
	if err != nil {
		return nil, errs.BadData("audio: %s: truncated %s (%d of %d bytes)", d.name, what, got, n)
	}
	return buf, nil
}

// checkFinite rejects NaN and ±Inf samples (float WAVs can carry them).
func checkFinite(x []float32, name string) error {
	for i, v := range x {
		if math.Float32bits(v)&0x7f800000 == 0x7f800000 { // exponent all ones: NaN or ±Inf
			return errs.BadData("audio: %s: non-finite sample %v at index %d", name, v, i)
		}
	}
	return nil
}
