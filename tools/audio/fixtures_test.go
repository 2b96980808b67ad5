package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// buildWAV writes a mono 16 kHz 16-bit WAV by hand: RIFX (big-endian) when
// bigEndian, an optional extra chunk (already padded) before fmt, and a fmt
// chunk of fmtLen bytes (16 or more; extra bytes are a zero cbSize).
func buildWAV(bigEndian bool, pcm []int16, extra []byte, fmtLen int) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	magic := "RIFF"
	if bigEndian {
		order, magic = binary.BigEndian, "RIFX"
	}
	var body bytes.Buffer
	body.WriteString("WAVE")
	body.Write(extra)
	body.WriteString("fmt ")
	fields := []any{uint32(fmtLen), uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16)}
	for _, f := range fields {
		binary.Write(&body, order, f)
	}
	body.Write(make([]byte, fmtLen-16))
	body.WriteString("data")
	binary.Write(&body, order, uint32(2*len(pcm)))
	binary.Write(&body, order, pcm)
	var out bytes.Buffer
	out.WriteString(magic)
	binary.Write(&out, order, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

// buildSPHERE writes a 1024-byte NIST_1A header with the given fields
// (name -> "-type value") followed by data.
func buildSPHERE(fields [][2]string, data []byte) []byte {
	var h bytes.Buffer
	h.WriteString("NIST_1A\n   1024\n")
	for _, f := range fields {
		fmt.Fprintf(&h, "%s %s\n", f[0], f[1])
	}
	h.WriteString("end_head\n")
	hdr := make([]byte, 1024)
	for i := range hdr {
		hdr[i] = ' '
	}
	copy(hdr, h.Bytes())
	return append(hdr, data...)
}

// sphereFields is a TIMIT-like header for n samples of 16-bit audio.
func sphereFields(n, channels int, order string) [][2]string {
	return [][2]string{
		{"database_id", "-s5 TIMIT"},
		{"channel_count", fmt.Sprintf("-i %d", channels)},
		{"sample_count", fmt.Sprintf("-i %d", n)},
		{"sample_rate", "-i 16000"},
		{"sample_min", "-i -32768"},
		{"sample_max", "-i 32767"},
		{"sample_n_bytes", "-i 2"},
		{"sample_byte_format", "-s2 " + order},
		{"sample_sig_bits", "-i 16"},
	}
}
