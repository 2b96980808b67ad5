package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// ExternalExts are the extensions (lower case, with the dot) whose files
// Decode cannot read and DecodeExternal hands to ffmpeg or sox: compressed
// formats (VoxCeleb2's AAC in .m4a, MP3, Ogg Vorbis, Opus).
var ExternalExts = []string{".m4a", ".mp3", ".ogg", ".opus"}

// NeedsExternal reports whether path has one of ExternalExts.
func NeedsExternal(path string) bool {
	e := strings.ToLower(filepath.Ext(path))
	for _, x := range ExternalExts {
		if e == x {
			return true
		}
	}
	return false
}

// externalTool returns the program that decodes path: ffmpeg when
// installed (it reads every format of ExternalExts), else sox for the
// formats sox reads (MP3, Ogg Vorbis; not AAC, and Opus only with its
// opus handler, which Debian's libsox-fmt-all has). The error names the
// Debian packages to install.
func externalTool(path string) (string, error) {
	if p, err := exec.LookPath("ffmpeg"); err == nil {
		return p, nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".m4a" {
		if p, err := exec.LookPath("sox"); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("audio: %s: decoding %s needs ffmpeg or sox, and neither is installed (Debian packages ffmpeg, or sox and libsox-fmt-all)", path, ext)
	}
	return "", fmt.Errorf("audio: %s: decoding .m4a needs ffmpeg, which is not installed (Debian package ffmpeg)", path)
}

// HaveExternal reports whether a decoder for path's format is installed
// (the error of DecodeExternal when not).
func HaveExternal(path string) error {
	_, err := externalTool(path)
	return err
}

// DecodeExternal decodes the file at path with ffmpeg (preferred) or sox to
// 16-bit mono PCM at rate Hz and returns it as float32 in [-1, 1]. A file
// the tool cannot decode is an errs.BadData error carrying the tool's
// message; a missing tool is a plain error naming the package.
func DecodeExternal(ctx context.Context, path string, rate int) ([]float32, error) {
	if rate <= 0 {
		panic("audio: DecodeExternal rate must be positive")
	}
	tool, err := externalTool(path)
	if err != nil {
		return nil, err
	}
	var args []string
	if filepath.Base(tool) == "ffmpeg" {
		args = []string{"-nostdin", "-v", "error", "-i", path,
			"-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", strconv.Itoa(rate), "-"}
	} else {
		args = []string{"-q", path, "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", "-c", "1", "-r", strconv.Itoa(rate), "-"}
	}
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, tool, args...)
	c.Stdout, c.Stderr = &out, &stderr
	if err := c.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errs.BadData("audio: %s: %s cannot decode it: %s", path, filepath.Base(tool), strings.TrimSpace(stderr.String()))
	}
	b := out.Bytes()
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	if len(x) == 0 {
		return nil, errs.BadData("audio: %s: no audio samples", path)
	}
	return x, nil
}
