package synth

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// espeakRate is espeak-ng's default speed in words per minute.
const espeakRate = 175

// clip is an engine's output for one text.
type clip struct {
	x    []float32 // mono samples in [-1, 1]
	rate int       // Hz, the engine's native rate
	err  error     // why the engine gave no audio for this text; x is nil then
}

// engine synthesizes texts with speaker s, one clip per text; tmp is a
// scratch directory of the call. synthesize is the engine of the corpus,
// tests substitute fakes.
type engine func(ctx context.Context, s Speaker, texts []string, tmp string) []clip

// synthesize runs the speaker's engine on texts and returns each text's
// samples at the engine's native rate, or the engine's failure on that
// text. The engine applies pitch and speed (pre-compensated for the later
// warp).
func synthesize(ctx context.Context, s Speaker, texts []string, tmp string) []clip {
	switch s.Voice.Engine {
	case EspeakNG:
		return espeak(ctx, s, texts)
	case Flite:
		return flite(ctx, s, texts, tmp)
	case Festival:
		return festival(ctx, s, texts, tmp)
	}
	panic("synth: unknown engine " + s.Voice.Engine)
}

// run runs a command, returning its stdout and an error quoting stderr.
func run(cmd *exec.Cmd, stdin string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("synth: %s: %w: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// espeak runs one espeak-ng process per text (it has no multi-file mode),
// text on stdin, WAV on stdout. Pitch: -p 50 + 100*log2(pitch), clamped to
// 0..99; speed: -s 175*speed/warp words per minute; amplitude 60 (of 200)
// so loud variants do not clip.
func espeak(ctx context.Context, s Speaker, texts []string) []clip {
	p := math.Max(0, math.Min(99, math.Round(50+100*math.Log2(s.Pitch))))
	wpm := math.Round(espeakRate * s.Speed / s.Warp)
	out := make([]clip, len(texts))
	for i, t := range texts {
		cmd := exec.CommandContext(ctx, EspeakNG, "-v", s.Voice.Name, "-p", strconv.Itoa(int(p)),
			"-s", strconv.Itoa(int(wpm)), "-a", "60", "--stdout")
		b, err := run(cmd, t)
		if err != nil {
			out[i].err = err
			continue
		}
		c := &out[i]
		if c.x, c.rate, c.err = parseStreamWAV(b); c.err != nil {
			c.err = fmt.Errorf("synth: espeak-ng -v %s: %w", s.Voice.Name, c.err)
		}
		*c = nonEmpty(*c, "espeak-ng voice "+s.Voice.Name, t)
	}
	return out
}

// flite runs one flite process per text (voices are compiled in, start-up is
// cheap). Pitch scales the voice's F0 mean, speed divides duration_stretch.
func flite(ctx context.Context, s Speaker, texts []string, tmp string) []clip {
	out := make([]clip, len(texts))
	for i, t := range texts {
		wav := filepath.Join(tmp, fmt.Sprintf("%04d.wav", i))
		cmd := exec.CommandContext(ctx, Flite, "-voice", s.Voice.Name,
			"--setf", fmt.Sprintf("duration_stretch=%.4f", s.Warp/s.Speed),
			"--setf", fmt.Sprintf("int_f0_target_mean=%.1f", s.Voice.F0*s.Pitch),
			"-t", t, "-o", wav)
		if _, err := run(cmd, ""); err != nil {
			out[i].err = err
			continue
		}
		c := &out[i]
		if c.x, c.rate, c.err = audio.Load(wav); c.err != nil {
			c.err = fmt.Errorf("synth: flite -voice %s: %w", s.Voice.Name, c.err)
		}
		*c = nonEmpty(*c, "flite voice "+s.Voice.Name, t)
	}
	return out
}

// festival synthesizes all texts in one festival process fed a Scheme
// script on stdin. Festival's voices have no common F0 control, so pitch is
// realised by the warp (see Speaker.EngineWarp); Duration_Stretch
// compensates it so the final speed is Speaker.Speed. Festival goes on
// after an error in one command (some voices fail on some sentences), so a
// text without its WAV file is that text's failure; tmp must hold no WAV
// files of an earlier call.
func festival(ctx context.Context, s Speaker, texts []string, tmp string) []clip {
	var sc strings.Builder
	fmt.Fprintf(&sc, "(voice_%s)\n(Parameter.set 'Duration_Stretch %.4f)\n", s.Voice.Name, s.EngineWarp()/s.Speed)
	wavs := make([]string, len(texts))
	for i, t := range texts {
		wavs[i] = filepath.Join(tmp, fmt.Sprintf("%04d.wav", i))
		fmt.Fprintf(&sc, "(utt.save.wave (utt.synth (Utterance Text %s)) %s 'riff)\n", schemeString(t), schemeString(wavs[i]))
	}
	_, perr := run(exec.CommandContext(ctx, Festival, "--pipe"), sc.String())
	out := make([]clip, len(texts))
	for i, w := range wavs {
		c := &out[i]
		c.x, c.rate, c.err = audio.Load(w)
		switch {
		case c.err != nil && perr != nil:
			c.err = fmt.Errorf("synth: festival voice %s produced no audio for %q: %w", s.Voice.Name, texts[i], perr)
		case errors.Is(c.err, fs.ErrNotExist):
			c.err = fmt.Errorf("synth: festival voice %s produced no audio for %q", s.Voice.Name, texts[i])
		case c.err != nil:
			c.err = fmt.Errorf("synth: festival voice %s produced bad audio for %q: %w", s.Voice.Name, texts[i], c.err)
		}
		*c = nonEmpty(*c, "festival voice "+s.Voice.Name, texts[i])
	}
	return out
}

// nonEmpty turns a clip without samples into a failure naming the voice.
func nonEmpty(c clip, voice, text string) clip {
	if c.err == nil && len(c.x) == 0 {
		c.err = fmt.Errorf("synth: %s produced no samples for %q", voice, text)
	}
	return c
}

// schemeString quotes s as a Scheme string literal.
func schemeString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// parseStreamWAV decodes the 16-bit PCM mono WAV that espeak-ng writes to a
// pipe: its RIFF and data sizes are placeholders, so the data runs to the end.
func parseStreamWAV(b []byte) ([]float32, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("output is not a WAV stream")
	}
	rate, pos := 0, 12
	for pos+8 <= len(b) {
		id, n := string(b[pos:pos+4]), int(binary.LittleEndian.Uint32(b[pos+4:]))
		pos += 8
		switch id {
		case "fmt ":
			if n < 16 || pos+16 > len(b) || binary.LittleEndian.Uint16(b[pos:]) != 1 ||
				binary.LittleEndian.Uint16(b[pos+2:]) != 1 || binary.LittleEndian.Uint16(b[pos+14:]) != 16 {
				return nil, 0, fmt.Errorf("WAV stream is not 16-bit PCM mono")
			}
			rate = int(binary.LittleEndian.Uint32(b[pos+4:]))
		case "data":
			if rate == 0 {
				return nil, 0, fmt.Errorf("WAV stream has data before fmt")
			}
			data := b[pos:]
			x := make([]float32, len(data)/2)
			for i := range x {
				x[i] = float32(int16(binary.LittleEndian.Uint16(data[2*i:]))) / 32768
			}
			return x, rate, nil
		}
		pos += n + n&1
	}
	return nil, 0, fmt.Errorf("WAV stream has no data chunk")
}
