package audio

import (
	"encoding/binary"
	"math"
)

// encoding describes how one stored sample is laid out.
type encoding struct {
	bytes     int  // bytes per sample: 1..8
	float     bool // IEEE float (4 or 8 bytes)
	bigEndian bool // byte order of multi-byte samples
	unsigned  bool // 8-bit WAV PCM is unsigned with a 128 offset
	law       byte // 'u' for G.711 mu-law, 'a' for A-law, 0 for linear
}

// sample decodes one sample at b[0:e.bytes] to float64. Integers of n bytes
// are divided by 2^(8n-1), as libsndfile (and so soundfile/librosa) does.
func (e encoding) sample(b []byte) float64 {
	switch {
	case e.law == 'u':
		return float64(MuLawDecode(b[0])) / 32768
	case e.law == 'a':
		return float64(ALawDecode(b[0])) / 32768
	case e.float && e.bytes == 4:
		return float64(math.Float32frombits(e.order().Uint32(b)))
	case e.float:
		return math.Float64frombits(e.order().Uint64(b))
	case e.bytes == 1 && e.unsigned:
		return (float64(b[0]) - 128) / 128
	}
	var u uint32
	if e.bigEndian {
		for i := 0; i < e.bytes; i++ {
			u = u<<8 | uint32(b[i])
		}
	} else {
		for i := e.bytes - 1; i >= 0; i-- {
			u = u<<8 | uint32(b[i])
		}
	}
	shift := 32 - 8*uint(e.bytes)
	v := int32(u<<shift) >> shift // sign-extend
	return float64(v) / float64(uint64(1)<<(8*uint(e.bytes)-1))
}

func (e encoding) order() binary.ByteOrder {
	if e.bigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// toMono decodes interleaved frames of ch channels and averages the channels.
// data holds whole frames only (the caller trims a partial last frame).
func toMono(data []byte, e encoding, ch int) []float32 {
	if ch == 1 && e.bytes == 2 && !e.float && e.law == 0 {
		return pcm16(data, e.bigEndian)
	}
	frame := e.bytes * ch
	n := len(data) / frame
	out := make([]float32, n)
	inv := 1 / float64(ch)
	for i := range out {
		b := data[i*frame : (i+1)*frame]
		var s float64
		for c := 0; c < ch; c++ {
			s += e.sample(b[c*e.bytes:])
		}
		if ch == 1 {
			out[i] = float32(s)
		} else {
			out[i] = float32(s * inv)
		}
	}
	return out
}

// pcm16 is toMono for mono 16-bit linear PCM, the usual speech format
// (VoxCeleb WAV, TIMIT, LibriSpeech after FLAC): the same values as the
// general path (x / 2^15 is exact in float32) without its per-sample
// dispatch, which cost more than the log-mel itself.
func pcm16(data []byte, bigEndian bool) []float32 {
	out := make([]float32, len(data)/2)
	const scale = 1.0 / 32768
	if bigEndian {
		for i := range out {
			out[i] = float32(int16(binary.BigEndian.Uint16(data[2*i:]))) * scale
		}
		return out
	}
	for i := range out {
		out[i] = float32(int16(binary.LittleEndian.Uint16(data[2*i:]))) * scale
	}
	return out
}

// MuLawDecode expands a G.711 mu-law byte to a 16-bit linear value.
func MuLawDecode(b byte) int16 {
	u := ^b
	t := (int16(u&0x0f)<<3 + 0x84) << ((u & 0x70) >> 4)
	if u&0x80 != 0 {
		return 0x84 - t
	}
	return t - 0x84
}

// ALawDecode expands a G.711 A-law byte to a 16-bit linear value.
func ALawDecode(b byte) int16 {
	a := b ^ 0x55
	t := int16(a&0x0f) << 4
	seg := (a & 0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return t
	}
	return -t
}
