package audio

import (
	"encoding/binary"
	"io"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// WAVE format tags (mmreg.h) accepted in the fmt chunk, directly or as the
// first two bytes of a WAVE_FORMAT_EXTENSIBLE sub-format GUID.
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveALaw       = 0x0006
	waveMuLaw      = 0x0007
	waveExtensible = 0xFFFE
)

// Limits that reject hostile headers before any allocation.
const (
	maxChannels = 64
	maxRate     = 1 << 20
)

// wavFmt is the decoded fmt chunk.
type wavFmt struct {
	tag        uint16
	channels   int
	rate       int
	blockAlign int
	bits       int
}

// wav parses a RIFF/WAVE (or big-endian RIFX, or RF64) file chunk by chunk:
// unknown chunks (LIST, fact, cue, bext, JUNK, ...) are skipped, odd-sized
// chunks are followed by one pad byte, and the fmt chunk may come in any
// position before data.
func (d *decoder) wav() ([]float32, Info, error) {
	info := Info{Format: FormatWAV}
	hdr, err := d.readFull(12, "RIFF header")
	if err != nil {
		return nil, info, err
	}
	if string(hdr[8:12]) != "WAVE" {
		return nil, info, errs.BadData("audio: %s: RIFF form type %q, want WAVE", d.name, hdr[8:12])
	}
	var order binary.ByteOrder = binary.LittleEndian
	if string(hdr[:4]) == "RIFX" {
		order = binary.BigEndian
	}
	var fm *wavFmt
	var ds64 int64 = -1 // RF64 data size from the ds64 chunk
	pos := int64(12)
	for {
		if d.size-pos < 8 {
			return nil, info, errs.BadData("audio: %s: no data chunk", d.name)
		}
		ch, err := d.readFull(8, "chunk header")
		if err != nil {
			return nil, info, err
		}
		id, n := string(ch[:4]), int64(order.Uint32(ch[4:8]))
		pos += 8
		switch id {
		case "fmt ":
			if fm, err = d.wavFmt(n, order, &info); err != nil {
				return nil, info, err
			}
		case "ds64":
			b, err := d.readFull(n, "ds64 chunk")
			if err != nil {
				return nil, info, err
			}
			if len(b) >= 16 {
				ds64 = int64(binary.LittleEndian.Uint64(b[8:16]))
			}
		case "data":
			if fm == nil {
				return nil, info, errs.BadData("audio: %s: data chunk before fmt chunk", d.name)
			}
			if n == 0xFFFFFFFF && ds64 >= 0 {
				n = ds64
			}
			return d.wavData(n, pos, fm, order, info)
		default:
			if _, err := d.r.Seek(n, io.SeekCurrent); err != nil {
				return nil, info, errs.BadData("audio: %s: chunk %q: %v", d.name, id, err)
			}
		}
		pos += n + n&1
		if _, err := d.r.Seek(pos, io.SeekStart); err != nil {
			return nil, info, errs.BadData("audio: %s: chunk %q: %v", d.name, id, err)
		}
	}
}

// wavFmt reads and validates a fmt chunk of n bytes.
func (d *decoder) wavFmt(n int64, order binary.ByteOrder, info *Info) (*wavFmt, error) {
	if n < 16 {
		return nil, errs.BadData("audio: %s: fmt chunk of %d bytes, want >= 16", d.name, n)
	}
	b, err := d.readFull(n, "fmt chunk")
	if err != nil {
		return nil, err
	}
	fm := &wavFmt{
		tag:        order.Uint16(b[0:2]),
		channels:   int(order.Uint16(b[2:4])),
		rate:       int(order.Uint32(b[4:8])),
		blockAlign: int(order.Uint16(b[12:14])),
		bits:       int(order.Uint16(b[14:16])),
	}
	if fm.tag == waveExtensible {
		if len(b) < 26 {
			return nil, errs.BadData("audio: %s: WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes, want >= 26", d.name, n)
		}
		fm.tag = order.Uint16(b[24:26])
	}
	info.Rate, info.Channels, info.Bits = fm.rate, fm.channels, fm.bits
	info.Float = fm.tag == waveFloat
	return fm, d.checkFmt(fm)
}

// checkFmt validates channel count, rate and the sample layout.
func (d *decoder) checkFmt(fm *wavFmt) error {
	if fm.channels < 1 || fm.channels > maxChannels {
		return errs.BadData("audio: %s: %d channels (want 1..%d)", d.name, fm.channels, maxChannels)
	}
	if fm.rate < 1 || fm.rate > maxRate {
		return errs.BadData("audio: %s: sample rate %d Hz out of range", d.name, fm.rate)
	}
	if fm.blockAlign < fm.channels || fm.blockAlign%fm.channels != 0 {
		return errs.BadData("audio: %s: block align %d does not fit %d channels", d.name, fm.blockAlign, fm.channels)
	}
	_, err := d.wavEncoding(fm)
	return err
}

// wavEncoding maps a validated fmt chunk to a sample encoding. The container
// size is blockAlign/channels bytes; bits may be smaller (24 valid bits in a
// 32-bit container are left-justified, so scaling by the container is right).
func (d *decoder) wavEncoding(fm *wavFmt) (encoding, error) {
	e := encoding{bytes: fm.blockAlign / fm.channels}
	ok := false
	switch fm.tag {
	case wavePCM:
		ok = e.bytes >= 1 && e.bytes <= 4 && fm.bits <= 8*e.bytes
		e.unsigned = e.bytes == 1
	case waveFloat:
		ok = e.bytes == 4 || e.bytes == 8
		e.float = true
	case waveMuLaw, waveALaw:
		ok = e.bytes == 1
		e.law = map[uint16]byte{waveMuLaw: 'u', waveALaw: 'a'}[fm.tag]
	default:
		return e, errs.BadData("audio: %s: unsupported WAVE format tag 0x%04x (want PCM, IEEE float, A-law or mu-law)", d.name, fm.tag)
	}
	if !ok {
		return e, errs.BadData("audio: %s: unsupported sample layout: format 0x%04x, %d bits in %d-byte containers", d.name, fm.tag, fm.bits, e.bytes)
	}
	return e, nil
}

// wavData reads n bytes of sample data starting at offset pos.
func (d *decoder) wavData(n, pos int64, fm *wavFmt, order binary.ByteOrder, info Info) ([]float32, Info, error) {
	avail := d.size - pos
	if n == 0xFFFFFFFF { // streaming writers leave the size unset
		n = avail
	}
	if n > avail {
		return nil, info, errs.BadData("audio: %s: truncated data chunk (%d of %d bytes)", d.name, avail, n)
	}
	if n%int64(fm.blockAlign) != 0 {
		return nil, info, errs.BadData("audio: %s: data chunk of %d bytes is not a whole number of %d-byte frames", d.name, n, fm.blockAlign)
	}
	if n == 0 {
		return nil, info, errs.BadData("audio: %s: data chunk holds no samples", d.name)
	}
	e, _ := d.wavEncoding(fm)
	e.bigEndian = order == binary.BigEndian
	data, err := d.readFull(n, "data chunk")
	if err != nil {
		return nil, info, err
	}
	x := toMono(data, e, fm.channels)
	info.Frames = len(x)
	return x, info, nil
}
