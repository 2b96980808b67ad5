package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestSPHERE decodes hand-written TIMIT-style SPHERE files in both byte
// orders. Expected values: the int16s written / 32768, averaged over channels.
func TestSPHERE(t *testing.T) {
	pcm := []int16{0, 100, -100, 32767, -32768, 4096, -7, 9}
	cases := []struct {
		name     string
		order    string
		bo       binary.ByteOrder
		channels int
	}{
		{"little endian mono (TIMIT)", "01", binary.LittleEndian, 1},
		{"big endian mono", "10", binary.BigEndian, 1},
		{"little endian stereo", "01", binary.LittleEndian, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var data bytes.Buffer
			binary.Write(&data, c.bo, pcm)
			n := len(pcm) / c.channels
			file := buildSPHERE(sphereFields(n, c.channels, c.order), data.Bytes())
			x, info, err := DecodeInfo(bytes.NewReader(file), "SA1.WAV")
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, n)
			for i := range want {
				for ch := 0; ch < c.channels; ch++ {
					want[i] += float64(pcm[i*c.channels+ch]) / 32768 / float64(c.channels)
				}
			}
			if info.Format != FormatSPHERE || info.Rate != 16000 || maxAbsDiff64(x, want) > 1e-7 {
				t.Errorf("got %v %+v, want %v", x, info, want)
			}
		})
	}
}

// TestSPHEREMatchesSox converts a SPHERE file with sox (an independent
// SPHERE reader) to float WAV and checks both decode to the same samples.
func TestSPHEREMatchesSox(t *testing.T) {
	sox := testenv.Require(t, "sox")
	pcm := make([]int16, 4000)
	for i := range pcm {
		pcm[i] = int16((i*7919)%65536 - 32768)
	}
	var data bytes.Buffer
	binary.Write(&data, binary.BigEndian, pcm)
	dir := t.TempDir()
	sph, wav := filepath.Join(dir, "a.sph"), filepath.Join(dir, "a.wav")
	os.WriteFile(sph, buildSPHERE(sphereFields(len(pcm)/2, 2, "10"), data.Bytes()), 0o644)
	if out, err := exec.Command(sox, sph, "-e", "floating-point", "-b", "32", wav).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v\n%s", err, out)
	}
	x, _, err := Load(sph)
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := Load(wav)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != len(y) || len(x) != 2000 {
		t.Fatalf("%d vs %d samples", len(x), len(y))
	}
	for i := range x {
		if d := x[i] - y[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("sample %d: ours %g, sox %g", i, x[i], y[i])
		}
	}
}

// TestFLACMatchesSox decodes testdata/tiny.flac (written by sox: 16-bit
// stereo, 440 and 660 Hz) and compares it with sox's own conversion of the
// same file to float WAV (averaged to mono by our WAV path).
func TestFLACMatchesSox(t *testing.T) {
	sox := testenv.Require(t, "sox")
	wav := filepath.Join(t.TempDir(), "tiny.wav")
	if out, err := exec.Command(sox, "testdata/tiny.flac", "-e", "floating-point", "-b", "32", wav).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v\n%s", err, out)
	}
	x, info, err := LoadInfo("testdata/tiny.flac")
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := Load(wav)
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != FormatFLAC || info.Channels != 2 || info.Bits != 16 || len(x) != 320 || len(y) != len(x) {
		t.Fatalf("%+v, %d samples; sox gives %d", info, len(x), len(y))
	}
	for i := range x {
		if d := x[i] - y[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("sample %d: ours %g, sox %g", i, x[i], y[i])
		}
	}
}

// TestBadData feeds defective files; each must fail with an error that wraps
// errs.ErrBadData and names the file and the defect.
func TestBadData(t *testing.T) {
	good := buildWAV(false, []int16{1, 2, 3, 4}, nil, 16)
	floatNaN := buildWAV(false, []int16{0, 0, 0, 0}, nil, 16)
	floatNaN[20], floatNaN[34] = 3, 32 // IEEE float, 32 bits, 1 frame of NaN
	binary.LittleEndian.PutUint16(floatNaN[32:], 4)
	binary.LittleEndian.PutUint32(floatNaN[44:], 0x7fc00000)
	binary.LittleEndian.PutUint32(floatNaN[48:], 0x3f000000)
	adpcm := append([]byte(nil), good...)
	adpcm[20] = 2
	noChan := append([]byte(nil), good...)
	noChan[22] = 0
	var pcm bytes.Buffer
	binary.Write(&pcm, binary.LittleEndian, []int16{1, 2, 3})
	shorten := sphereFields(3, 1, "01")
	shorten = append(shorten, [2]string{"sample_coding", "-s26 pcm,embedded-shorten-v2.00"})
	cases := []struct {
		name, defect string
		data         []byte
	}{
		{"empty", "empty file", nil},
		{"unknown magic", "unknown format", []byte("OggS\x00\x02 some ogg")},
		{"RIFF not WAVE", "form type", append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...)},
		{"truncated data", "truncated data chunk", good[:len(good)-3]},
		{"header only", "truncated", good[:10]},
		{"zero channels", "0 channels", noChan},
		{"ADPCM", "format tag 0x0002", adpcm},
		{"NaN sample", "non-finite sample", floatNaN},
		{"zero-length data", "no samples", buildWAV(false, nil, nil, 16)},
		{"SPHERE truncated", "truncated SPHERE data", buildSPHERE(sphereFields(10, 1, "01"), pcm.Bytes())},
		{"SPHERE shorten", "sph2pipe", buildSPHERE(shorten, pcm.Bytes())},
		{"SPHERE no end_head", "end_head", append([]byte("NIST_1A\n   1024\nsample_rate -i 16000\n"), make([]byte, 1100)...)},
		{"FLAC truncated", "FLAC", []byte("fLaC\x00\x00\x00\x22\x10\x00")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Decode(bytes.NewReader(c.data), "bad.wav")
			if !errors.Is(err, errs.ErrBadData) {
				t.Fatalf("err = %v, want ErrBadData", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "bad.wav") || !strings.Contains(msg, c.defect) {
				t.Errorf("err %q does not name the file and %q", msg, c.defect)
			}
		})
	}
}
