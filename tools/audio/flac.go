package audio

import (
	"errors"
	"io"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/voxsiam/voxsiam/internal/errs"
)

// flac decodes a native FLAC stream with github.com/mewkiz/flac. Frames are
// decoded one at a time and averaged to mono as they arrive; a panic inside
// the third-party decoder on a corrupt stream becomes a bad-data error.
func (d *decoder) flac() (x []float32, info Info, err error) {
	info.Format = FormatFLAC
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, errs.BadData("audio: %s: corrupt FLAC stream: %v", d.name, r)
		}
	}()
	s, err := flac.New(d.r)
	if err != nil {
		return nil, info, errs.BadData("audio: %s: FLAC header: %v", d.name, err)
	}
	si := s.Info
	info.Rate, info.Channels, info.Bits = int(si.SampleRate), int(si.NChannels), int(si.BitsPerSample)
	if info.Rate < 1 || info.Rate > maxRate || info.Bits < 4 || info.Bits > 32 || info.Channels < 1 {
		return nil, info, errs.BadData("audio: %s: bad FLAC STREAMINFO (rate %d, %d channels, %d bits)", d.name, info.Rate, info.Channels, info.Bits)
	}
	if si.NSamples > 0 && si.NSamples <= uint64(d.size)*8 {
		// Preallocate only what the input could plausibly hold; a hostile
		// STREAMINFO cannot make this exceed 8 samples per input byte.
		x = make([]float32, 0, si.NSamples)
	}
	for {
		f, err := s.ParseNext()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, info, errs.BadData("audio: %s: FLAC frame after %d samples: %v", d.name, len(x), err)
		}
		x = appendFrame(x, f.Subframes, info.Bits)
		if si.NSamples > 0 && uint64(len(x)) >= si.NSamples {
			x = x[:si.NSamples]
			break
		}
	}
	if len(x) == 0 {
		return nil, info, errs.BadData("audio: %s: FLAC stream holds no samples", d.name)
	}
	info.Frames = len(x)
	return x, info, nil
}

// appendFrame averages the channels of one decoded frame (samples of the
// given bit depth) and appends them scaled to [-1, 1).
func appendFrame(x []float32, subs []*frame.Subframe, bits int) []float32 {
	if len(subs) == 0 {
		return x
	}
	n := len(subs[0].Samples)
	for _, sf := range subs[1:] {
		n = min(n, len(sf.Samples))
	}
	scale := 1 / (float64(uint64(1)<<(bits-1)) * float64(len(subs)))
	for i := 0; i < n; i++ {
		var s int64
		for _, sf := range subs {
			s += int64(sf.Samples[i])
		}
		x = append(x, float32(float64(s)*scale))
	}
	return x
}
