package audio

import (
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// maxSphereHeader bounds the declared SPHERE header size (TIMIT uses 1024).
const maxSphereHeader = 1 << 20

// sphereHeader holds the fields of a NIST SPHERE header that decoding needs.
type sphereHeader struct {
	size     int64  // header size in bytes (second line of the file)
	rate     int    // sample_rate
	channels int    // channel_count (default 1)
	nbytes   int    // sample_n_bytes (default 2)
	count    int64  // sample_count per channel, -1 if absent
	order    string // sample_byte_format: "01" little, "10" big, "1" single byte
	coding   string // sample_coding (default "pcm")
}

// sphere decodes a NIST SPHERE file: an ASCII header ("NIST_1A", its size,
// then "name -type value" lines up to "end_head") followed by interleaved
// samples. Shorten-compressed files (older TIMIT/WSJ distributions) are
// rejected with a hint to convert them first.
func (d *decoder) sphere() ([]float32, Info, error) {
	info := Info{Format: FormatSPHERE}
	h, err := d.sphereHeader()
	if err != nil {
		return nil, info, err
	}
	info.Rate, info.Channels, info.Bits = h.rate, h.channels, 8*h.nbytes
	e, err := d.sphereEncoding(h)
	if err != nil {
		return nil, info, err
	}
	frame := int64(h.nbytes * h.channels)
	avail := (d.size - h.size) / frame
	n := avail
	if h.count >= 0 {
		if h.count > avail {
			return nil, info, errs.BadData("audio: %s: truncated SPHERE data (%d of %d sample frames)", d.name, avail, h.count)
		}
		n = h.count
	}
	if n == 0 {
		return nil, info, errs.BadData("audio: %s: SPHERE file holds no samples", d.name)
	}
	if _, err := d.r.Seek(h.size, 0); err != nil {
		return nil, info, errs.BadData("audio: %s: seek to SPHERE data: %v", d.name, err)
	}
	data, err := d.readFull(n*frame, "SPHERE data")
	if err != nil {
		return nil, info, err
	}
	x := toMono(data, e, h.channels)
	info.Frames = len(x)
	return x, info, nil
}

// sphereHeader reads and parses the ASCII header.
func (d *decoder) sphereHeader() (*sphereHeader, error) {
	first, err := d.readFull(min(d.size, 16), "SPHERE preamble")
	if err != nil {
		return nil, err
	}
	lines := strings.SplitN(string(first), "\n", 3)
	if len(lines) < 3 || lines[0] != "NIST_1A" {
		return nil, errs.BadData("audio: %s: bad SPHERE preamble %q", d.name, first)
	}
	size, err := strconv.ParseInt(strings.TrimSpace(lines[1]), 10, 64)
	if err != nil || size < 16 || size > maxSphereHeader || size > d.size {
		return nil, errs.BadData("audio: %s: bad SPHERE header size %q (file is %d bytes)", d.name, strings.TrimSpace(lines[1]), d.size)
	}
	rest, err := d.readFull(size-16, "SPHERE header")
	if err != nil {
		return nil, err
	}
	h := &sphereHeader{size: size, channels: 1, nbytes: 2, count: -1, coding: "pcm"}
	return h, d.sphereFields(h, string(rest))
}

// sphereFields fills h from the header lines; "end_head" must be present.
func (d *decoder) sphereFields(h *sphereHeader, text string) error {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 1 && f[0] == "end_head" {
			return d.checkSphere(h)
		}
		if len(f) < 3 {
			continue
		}
		val := strings.Join(f[2:], " ")
		var err error
		switch f[0] {
		case "sample_rate":
			h.rate, err = sphereInt(f[1], val)
		case "channel_count":
			h.channels, err = sphereInt(f[1], val)
		case "sample_n_bytes":
			h.nbytes, err = sphereInt(f[1], val)
		case "sample_count":
			var c int
			c, err = sphereInt(f[1], val)
			h.count = int64(c)
		case "sample_byte_format":
			h.order = val
		case "sample_coding":
			h.coding = val
		}
		if err != nil {
			return errs.BadData("audio: %s: SPHERE field %s: %v", d.name, f[0], err)
		}
	}
	return errs.BadData("audio: %s: SPHERE header has no end_head", d.name)
}

// sphereInt parses an "-i" (or "-r", truncated) header value.
func sphereInt(typ, val string) (int, error) {
	if typ == "-r" {
		f, err := strconv.ParseFloat(val, 64)
		return int(f), err
	}
	return strconv.Atoi(val)
}

// checkSphere validates the parsed fields.
func (d *decoder) checkSphere(h *sphereHeader) error {
	switch {
	case h.rate < 1 || h.rate > maxRate:
		return errs.BadData("audio: %s: SPHERE sample_rate %d out of range", d.name, h.rate)
	case h.channels < 1 || h.channels > maxChannels:
		return errs.BadData("audio: %s: SPHERE channel_count %d out of range", d.name, h.channels)
	case h.nbytes < 1 || h.nbytes > 4:
		return errs.BadData("audio: %s: SPHERE sample_n_bytes %d (want 1..4)", d.name, h.nbytes)
	case h.count < -1:
		return errs.BadData("audio: %s: SPHERE sample_count %d is negative", d.name, h.count)
	}
	return nil
}

// sphereEncoding maps sample_coding and sample_byte_format to an encoding.
func (d *decoder) sphereEncoding(h *sphereHeader) (encoding, error) {
	c := strings.ToLower(h.coding)
	e := encoding{bytes: h.nbytes}
	switch {
	case strings.Contains(c, "shorten") || strings.Contains(c, "wavpack") || strings.Contains(c, "shortpack"):
		return e, errs.BadData("audio: %s: SPHERE sample_coding %q is compressed; convert it first, e.g. `sph2pipe -f wav in.sph out.wav` or `sox in.sph out.wav`", d.name, h.coding)
	case c == "pcm" || strings.HasPrefix(c, "pcm,"):
	case c == "ulaw" || c == "mu-law":
		e.law = 'u'
	case c == "alaw":
		e.law = 'a'
	default:
		return e, errs.BadData("audio: %s: unsupported SPHERE sample_coding %q", d.name, h.coding)
	}
	if e.law != 0 && h.nbytes != 1 {
		return e, errs.BadData("audio: %s: SPHERE %s with sample_n_bytes %d", d.name, h.coding, h.nbytes)
	}
	switch h.order {
	case "10":
		e.bigEndian = true
	case "01", "1", "":
		if h.order == "" && h.nbytes > 1 {
			return e, errs.BadData("audio: %s: SPHERE header lacks sample_byte_format", d.name)
		}
	default:
		return e, errs.BadData("audio: %s: unsupported SPHERE sample_byte_format %q (want 01 or 10)", d.name, h.order)
	}
	e.unsigned = false // SPHERE 8-bit pcm is signed
	return e, nil
}
