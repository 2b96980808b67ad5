package audio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
)

// WriteWAVFile writes samples as WriteWAV does to the file path, through a
// temporary file in the same directory, synced and renamed
// (internal/atomicfile), so a file that exists is complete: the one WAV
// file writer of the corpus tools. path's directory must exist.
func WriteWAVFile(path string, samples []float32, rate int) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return WriteWAV(w, samples, rate) }); err != nil {
		return fmt.Errorf("audio: %s: %w", path, err)
	}
	return nil
}

// WriteWAV writes samples (mono, nominally in [-1, 1]) to w as a canonical
// 44-byte-header RIFF/WAVE file, 16-bit PCM at rate Hz. Samples are scaled
// by 32768, rounded and clipped to [-32768, 32767], so Decode returns
// exactly the values k/32768 it was given.
func WriteWAV(w io.Writer, samples []float32, rate int) error {
	const bytesPer = 2
	n := len(samples) * bytesPer
	if uint64(n)+36 > math.MaxUint32 {
		return fmt.Errorf("audio: WriteWAV: %d samples do not fit a RIFF file", len(samples))
	}
	buf := make([]byte, 44+n)
	le := binary.LittleEndian
	copy(buf[0:], "RIFF")
	le.PutUint32(buf[4:], uint32(36+n))
	copy(buf[8:], "WAVEfmt ")
	le.PutUint32(buf[16:], 16)
	le.PutUint16(buf[20:], wavePCM)
	le.PutUint16(buf[22:], 1)
	le.PutUint32(buf[24:], uint32(rate))
	le.PutUint32(buf[28:], uint32(rate*bytesPer))
	le.PutUint16(buf[32:], bytesPer)
	le.PutUint16(buf[34:], 16)
	copy(buf[36:], "data")
	le.PutUint32(buf[40:], uint32(n))
	for i, v := range samples {
		le.PutUint16(buf[44+2*i:], uint16(quantize16(v)))
	}
	_, err := w.Write(buf)
	if err != nil {
		return fmt.Errorf("audio: WriteWAV: %w", err)
	}
	return nil
}

// quantize16 maps [-1, 1] to int16 with rounding and clipping (NaN -> 0).
func quantize16(v float32) int16 {
	f := math.Round(float64(v) * 32768)
	switch {
	case f != f:
		return 0
	case f > math.MaxInt16:
		return math.MaxInt16
	case f < math.MinInt16:
		return math.MinInt16
	}
	return int16(f)
}
