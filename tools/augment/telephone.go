package augment

import (
	"fmt"
	"math"
	"strings"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// Codec is a telephone speech codec: a G.711 companding law or GSM 06.10.
type Codec string

// Telephone codecs: the G.711 laws µ-law (North America, Japan) and A-law
// (Europe), and GSM 06.10 full rate (13 kbit/s RPE-LTP, the first GSM
// mobile codec), which runs through sox's libgsm (GSMRoundTrip).
const (
	MuLaw Codec = "mulaw"
	ALaw  Codec = "alaw"
	GSM   Codec = "gsm"
)

// Codecs lists every telephone codec.
var Codecs = []Codec{MuLaw, ALaw, GSM}

// ParseCodecs reads a comma-separated list of codec names ("mulaw,gsm").
func ParseCodecs(s string) ([]Codec, error) {
	var out []Codec
	for _, f := range strings.Split(s, ",") {
		c := Codec(strings.TrimSpace(f))
		if c != MuLaw && c != ALaw && c != GSM {
			return nil, fmt.Errorf("augment: unknown telephone codec %q (want mulaw, alaw or gsm)", c)
		}
		out = append(out, c)
	}
	return out, nil
}

// Telephone band edges in Hz (ITU-T G.712 voice channel).
const (
	TelLow  = 300
	TelHigh = 3400
	TelRate = 8000
)

// Telephone simulates a narrow-band telephone channel on x (Rate Hz) and
// returns a new signal of the same length at Rate: band-limited to
// 300-3400 Hz by 4th-order Butterworth high- and low-pass filters,
// resampled to 8 kHz, quantised to 16 bits and coded by codec (encoded
// to 8-bit G.711 and decoded, or through GSM 06.10), resampled back to
// Rate and low-passed at 3400 Hz again, as the receiving end's filter does
// (it removes the quantisation noise the 8 kHz codec leaves between 3.4
// and 4 kHz and its images above). GSM needs sox (GSMRoundTrip).
func Telephone(x []float32, codec Codec) ([]float32, error) {
	var code func([]int16) ([]int16, error)
	switch codec {
	case MuLaw:
		code = g711(MuLawEncode, MuLawDecode)
	case ALaw:
		code = g711(ALawEncode, ALawDecode)
	case GSM:
		code = GSMRoundTrip
	default:
		return nil, fmt.Errorf("augment: unknown telephone codec %q (want mulaw, alaw or gsm)", codec)
	}
	sec := append(Butterworth4(Rate, TelLow, true), Butterworth4(Rate, TelHigh, false)...)
	y := audio.Resample(Filter(nil, x, sec...), Rate, TelRate)
	pcm := make([]int16, len(y))
	for i, v := range y {
		pcm[i] = quant16(v)
	}
	pcm, err := code(pcm)
	if err != nil {
		return nil, err
	}
	for i, v := range pcm {
		y[i] = float32(v) / 32768
	}
	z := audio.Resample(y, TelRate, Rate)[:len(x)]
	return Filter(z, z, Butterworth4(Rate, TelHigh, false)...), nil
}

// g711 returns the in-place round trip of a G.711 law.
func g711(enc func(int16) byte, dec func(byte) int16) func([]int16) ([]int16, error) {
	return func(pcm []int16) ([]int16, error) {
		for i, v := range pcm {
			pcm[i] = dec(enc(v))
		}
		return pcm, nil
	}
}

// quant16 rounds v·32768 to int16 with clipping.
func quant16(v float32) int16 {
	f := math.Round(float64(v) * 32768)
	return int16(max(math.MinInt16, min(math.MaxInt16, f)))
}

// G.711 encoders and decoders as in the CCITT reference code distributed as
// Sun Microsystems' g711.c (also used by sox): µ-law works on 14-bit
// magnitudes with bias 0x84, A-law on 13-bit ones; both invert bits of the
// code word as the standard transmits them. A 16-bit sample is rounded to
// 14 (µ-law) or 13 (A-law) bits as sox does (g711.c truncates), so the
// codes equal sox's `-e mu-law` / `-e a-law` output.
var (
	segUEnd = [8]int{0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF}
	segAEnd = [8]int{0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF}
)

// segment returns the first i with v <= end[i], or 8.
func segment(v int, end *[8]int) int {
	for i, e := range end {
		if v <= e {
			return i
		}
	}
	return 8
}

// MuLawEncode returns the G.711 µ-law code of a 16-bit sample.
func MuLawEncode(pcm int16) byte {
	const bias, clip = 0x84, 8159
	v := min((int(pcm)+2)>>2, 8191)
	mask := 0xFF
	if v < 0 {
		v, mask = -v, 0x7F
	}
	v = min(v, clip) + bias>>2
	seg := segment(v, &segUEnd)
	if seg >= 8 {
		return byte(0x7F ^ mask)
	}
	return byte((seg<<4 | (v>>(seg+1))&0xF) ^ mask)
}

// MuLawDecode returns the 16-bit sample of a G.711 µ-law code (the decoder
// tools/audio reads µ-law WAV and SPHERE files with).
func MuLawDecode(u byte) int16 { return audio.MuLawDecode(u) }

// ALawEncode returns the G.711 A-law code of a 16-bit sample.
func ALawEncode(pcm int16) byte {
	v := min((int(pcm)+4)>>3, 4095)
	mask := 0xD5
	if v < 0 {
		v, mask = -v-1, 0x55
	}
	seg := segment(v, &segAEnd)
	if seg >= 8 {
		return byte(0x7F ^ mask)
	}
	a := seg << 4
	if seg < 2 {
		a |= (v >> 1) & 0xF
	} else {
		a |= (v >> seg) & 0xF
	}
	return byte(a ^ mask)
}

// ALawDecode returns the 16-bit sample of a G.711 A-law code (tools/audio's).
func ALawDecode(a byte) int16 { return audio.ALawDecode(a) }
