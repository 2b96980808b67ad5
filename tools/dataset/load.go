package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// Load returns the audio of it as mono float32 samples in [-1, 1] at rate
// Hz: .m4a files decoded by ffmpeg, Kaldi commands ("... |", admitted by
// ScanWith's AllowPipes) run with sh -c and their standard output decoded,
// other files by audio.LoadAt; then cut to [Start, End). Defects of the
// audio are errs.BadData errors naming the file.
func Load(ctx context.Context, it Item, rate int) ([]float32, error) {
	var x []float32
	var err error
	switch {
	case strings.HasSuffix(it.Path, "|"):
		x, err = loadPipe(ctx, it.Path, rate)
	case strings.EqualFold(extOf(it.Path), ".m4a"):
		x, err = loadFFmpeg(ctx, it.Path, rate)
	default:
		x, err = audio.LoadAt(it.Path, rate)
	}
	if err != nil {
		return nil, err
	}
	return cut(x, it, rate)
}

func extOf(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i:]
	}
	return ""
}

// cut applies the segment [Start, End) in seconds.
func cut(x []float32, it Item, rate int) ([]float32, error) {
	if it.Start == 0 && it.End == 0 {
		return x, nil
	}
	a := int(it.Start*float64(rate) + 0.5)
	b := len(x)
	if it.End > 0 {
		b = min(b, int(it.End*float64(rate)+0.5))
	}
	if a >= b {
		return nil, errs.BadData("dataset: %s: segment %s [%g, %g) s is outside the %.3f s of audio", it.Path, it.UttID, it.Start, it.End, float64(len(x))/float64(rate))
	}
	return x[a:b], nil
}

// loadPipe runs a Kaldi wav.scp command and decodes the WAV it prints.
func loadPipe(ctx context.Context, cmdline string, rate int) ([]float32, error) {
	cmd := strings.TrimSpace(strings.TrimSuffix(cmdline, "|"))
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, "sh", "-c", cmd)
	c.Stdout, c.Stderr = &out, &stderr
	if err := c.Run(); err != nil {
		return nil, errs.BadData("dataset: wav.scp command %q failed: %v: %s", cmd, err, strings.TrimSpace(stderr.String()))
	}
	x, from, err := audio.Decode(bytes.NewReader(out.Bytes()), cmdline)
	if err != nil {
		return nil, err
	}
	return audio.Resample(x, from, rate), nil
}

// loadFFmpeg decodes any container ffmpeg reads (VoxCeleb2's AAC in .m4a)
// to 16-bit mono PCM at rate.
func loadFFmpeg(ctx context.Context, path string, rate int) ([]float32, error) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		return nil, fmt.Errorf("dataset: %s: decoding .m4a needs ffmpeg, which is not installed (Debian package ffmpeg)", path)
	}
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-i", path,
		"-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", strconv.Itoa(rate), "-")
	c.Stdout, c.Stderr = &out, &stderr
	if err := c.Run(); err != nil {
		return nil, errs.BadData("dataset: %s: ffmpeg cannot decode it: %s", path, strings.TrimSpace(stderr.String()))
	}
	b := out.Bytes()
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	if len(x) == 0 {
		return nil, errs.BadData("dataset: %s: no audio samples", path)
	}
	return x, nil
}
