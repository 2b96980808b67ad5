package audio

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// TestDecodeExternal: an Ogg Vorbis and an MP3 file that sox wrote (0.5 s
// of a 440 Hz sine at 16 kHz) decode through the external tool to about
// 0.5 s at the asked rate with the sine's RMS (0.707 of its peak, sox's
// default amplitude 1 minus codec loss); a corrupt file is a data error
// that names the file. Skipped without sox (the external decoder).
func TestDecodeExternal(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed")
	}
	dir := t.TempDir()
	for _, ext := range []string{".ogg", ".mp3"} {
		t.Run(ext, func(t *testing.T) {
			p := filepath.Join(dir, "tone"+ext)
			if out, err := exec.Command("sox", "-n", "-r", "16000", "-c", "1", p, "synth", "0.5", "sine", "440", "vol", "0.5").CombinedOutput(); err != nil {
				t.Skipf("sox cannot write %s: %v %s", ext, err, out)
			}
			x, err := DecodeExternal(context.Background(), p, 8000)
			if err != nil {
				t.Fatal(err)
			}
			if secs := float64(len(x)) / 8000; math.Abs(secs-0.5) > 0.06 {
				t.Errorf("%.3f s decoded, want 0.5", secs)
			}
			var ss float64
			for _, v := range x[len(x)/4 : 3*len(x)/4] {
				ss += float64(v) * float64(v)
			}
			if rms := math.Sqrt(ss / float64(len(x)/2)); math.Abs(rms-0.5/math.Sqrt2) > 0.05 {
				t.Errorf("RMS %.3f, want %.3f", rms, 0.5/math.Sqrt2)
			}
		})
	}
	bad := filepath.Join(dir, "bad.mp3")
	if err := os.WriteFile(bad, []byte("not an mp3 at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeExternal(context.Background(), bad, 16000)
	if !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt mp3: %v, want a data error naming it", err)
	}
	if NeedsExternal("a.WAV") || !NeedsExternal("a.Opus") {
		t.Error("NeedsExternal by extension")
	}
}
