package augment

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strings"
)

// GSM 06.10 ("full rate", ETSI EN 300 961) codes 20 ms frames of 160
// 13-bit samples at 8 kHz into 33-byte frames (260 bits and a 4-bit magic,
// 13.2 kbit/s) by regular-pulse-excitation long-term prediction. No Go
// module implements it; sox does, through libgsm (Jutta Degener and Carsten
// Bormann's reference implementation, Debian's libgsm1, pulled in by sox),
// so the gsm telephone codec runs sox twice: encoder and decoder.

// soxRaw are sox's options for the 8 kHz mono 16-bit little-endian PCM
// GSMRoundTrip exchanges with it; soxGSM those of the GSM frames.
var (
	soxRaw = []string{"-t", "raw", "-r", "8000", "-c", "1", "-e", "signed-integer", "-b", "16", "-L"}
	soxGSM = []string{"-t", "gsm", "-r", "8000", "-c", "1"}
)

// GSMRoundTrip encodes pcm (8 kHz, 16-bit) with the GSM 06.10 full-rate
// encoder and decodes it again, through sox (`sox -t gsm`, libgsm), and
// returns as many samples as pcm: the encoder pads the last frame with
// zeros, and the padding is cut. libgsm's output is aligned with its input
// (no delay to remove). The error names sox when it is not installed.
func GSMRoundTrip(pcm []int16) ([]int16, error) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		return nil, fmt.Errorf("augment: the gsm telephone codec runs sox (GSM 06.10 through libgsm; Debian package sox): %w", err)
	}
	in := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(in[2*i:], uint16(v))
	}
	codes, err := runSox(sox, in, soxRaw, soxGSM)
	if err != nil {
		return nil, err
	}
	if len(codes) != 33*((len(pcm)+159)/160) {
		return nil, fmt.Errorf("augment: sox gsm encoder wrote %d bytes for %d samples, want 33 per 160", len(codes), len(pcm))
	}
	dec, err := runSox(sox, codes, soxGSM, soxRaw)
	if err != nil {
		return nil, err
	}
	if len(dec) < 2*len(pcm) {
		return nil, fmt.Errorf("augment: sox gsm decoder gave %d samples for %d", len(dec)/2, len(pcm))
	}
	out := make([]int16, len(pcm))
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(dec[2*i:]))
	}
	return out, nil
}

// runSox converts in (format options from) to the returned bytes (format
// options to) with `sox -D` (no dither) between stdin and stdout.
func runSox(sox string, in []byte, from, to []string) ([]byte, error) {
	args := append(append(append([]string{"-D"}, from...), "-"), append(to, "-")...)
	cmd := exec.Command(sox, args...)
	var out, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("augment: sox %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}
