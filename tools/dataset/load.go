package dataset

import (
	"bytes"
	"context"
	"os/exec"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// Load returns the audio of it as mono float32 samples in [-1, 1] at rate
// Hz: compressed files (.m4a, .mp3, .ogg, .opus: audio.ExternalExts)
// decoded by ffmpeg or sox, Kaldi commands ("... |", admitted by ScanWith's
// AllowPipes) run with sh -c and their standard output decoded, other files
// by audio.Load and audio.Resample; then cut to [Start, End). Defects of the
// audio are errs.BadData errors naming the file.
func Load(ctx context.Context, it Item, rate int) ([]float32, error) {
	x, _, err := LoadRate(ctx, it, rate)
	return x, err
}

// LoadRate is Load that also returns the file's own sample rate in Hz
// before resampling (0 when an external decoder resampled it: unknown).
func LoadRate(ctx context.Context, it Item, rate int) ([]float32, int, error) {
	var x []float32
	from := 0
	var err error
	switch {
	case strings.HasSuffix(it.Path, "|"):
		x, from, err = loadPipe(ctx, it.Path, rate)
	case audio.NeedsExternal(it.Path):
		x, err = audio.DecodeExternal(ctx, it.Path, rate)
	default:
		if x, from, err = audio.Load(it.Path); err == nil {
			x = audio.Resample(x, from, rate)
		}
	}
	if err != nil {
		return nil, from, err
	}
	x, err = cut(x, it, rate)
	return x, from, err
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
func loadPipe(ctx context.Context, cmdline string, rate int) ([]float32, int, error) {
	cmd := strings.TrimSpace(strings.TrimSuffix(cmdline, "|"))
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, "sh", "-c", cmd)
	c.Stdout, c.Stderr = &out, &stderr
	if err := c.Run(); err != nil {
		return nil, 0, errs.BadData("dataset: wav.scp command %q failed: %v: %s", cmd, err, strings.TrimSpace(stderr.String()))
	}
	x, from, err := audio.Decode(bytes.NewReader(out.Bytes()), cmdline)
	if err != nil {
		return nil, from, err
	}
	return audio.Resample(x, from, rate), from, nil
}
