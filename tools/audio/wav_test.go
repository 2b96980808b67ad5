package audio

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// soundfileScript writes each requested file with soundfile (libsndfile) and
// prints, as JSON, the file (base64) and what soundfile reads back:
// float64 samples averaged over channels (rounded to 1e-9), the sample
// rate and the channel count. libsndfile is the independent reference for
// every WAV and FLAC variant below. 16 frames per file keep the stored
// reference small. argv: specs (JSON).
const soundfileScript = `
import base64, json, sys, tempfile
import numpy as np
import soundfile as sf
out, specs = tempfile.mkdtemp(), json.loads(sys.argv[1])
n = 16
t = np.arange(n) / 16000.0
res = {}
for s in specs:
    ch = s["channels"]
    rng = np.random.default_rng(len(s["name"]))
    x = np.stack([0.6*np.sin(2*np.pi*(220+110*c)*t) + 0.3*rng.uniform(-1, 1, n) for c in range(ch)], axis=1)
    path = out + "/" + s["name"]
    sf.write(path, x, s["rate"], subtype=s["subtype"], format=s["format"])
    raw = bytearray(open(path, "rb").read())
    i = raw.find(b"PEAK")
    if i >= 0:  # zero the float formats' PEAK timestamp, so that the files are reproducible
        raw[i+12:i+16] = bytes(4)
        open(path, "wb").write(raw)
    y, rate = sf.read(path, dtype="float64", always_2d=True)
    res[s["name"]] = {"x": np.round(y.mean(axis=1), 9).tolist(), "rate": rate, "channels": y.shape[1],
                      "file": base64.b64encode(open(path, "rb").read()).decode()}
print(json.dumps(res))
`

type sfSpec struct {
	Name     string `json:"name"`
	Format   string `json:"format"`
	Subtype  string `json:"subtype"`
	Channels int    `json:"channels"`
	Rate     int    `json:"rate"`
}

type sfResult struct {
	X        []float64 `json:"x"`
	Rate     int       `json:"rate"`
	Channels int       `json:"channels"`
	File     []byte    `json:"file"` // the file soundfile wrote
}

// TestDecodeMatchesSoundfile decodes files written by libsndfile in every
// supported WAV and FLAC layout and compares the mono samples with what
// libsndfile itself reads (float32 rounding: tolerance 1e-6): the stored
// files and values, then the live run where the venv exists.
func TestDecodeMatchesSoundfile(t *testing.T) {
	specs := []sfSpec{
		{"u8.wav", "WAV", "PCM_U8", 1, 8000},
		{"s16.wav", "WAV", "PCM_16", 1, 16000},
		{"s16_stereo.wav", "WAV", "PCM_16", 2, 44100},
		{"s24.wav", "WAV", "PCM_24", 1, 22050},
		{"s32.wav", "WAV", "PCM_32", 3, 48000},
		{"f32.wav", "WAV", "FLOAT", 1, 16000},
		{"f64.wav", "WAV", "DOUBLE", 2, 16000},
		{"ulaw.wav", "WAV", "ULAW", 1, 8000},
		{"alaw.wav", "WAV", "ALAW", 1, 8000},
		{"ext_s16.wav", "WAVEX", "PCM_16", 2, 16000},
		{"ext_s24.wav", "WAVEX", "PCM_24", 1, 16000},
		{"ext_f32.wav", "WAVEX", "FLOAT", 4, 16000},
		{"s16.flac", "FLAC", "PCM_16", 1, 16000},
		{"s24_stereo.flac", "FLAC", "PCM_24", 2, 44100},
		{"s8.flac", "FLAC", "PCM_S8", 1, 8000},
		{"s16.sph", "NIST", "PCM_16", 2, 16000},
		{"s24.sph", "NIST", "PCM_24", 1, 16000},
		{"s8.sph", "NIST", "PCM_S8", 1, 16000},
	}
	arg, _ := json.Marshal(specs)
	testenv.Reference(t, "soundfile", soundfileScript, []string{string(arg)}, func(t *testing.T, out []byte) {
		var want map[string]sfResult
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, s := range specs {
			w := want[s.Name]
			path := filepath.Join(dir, s.Name)
			if err := os.WriteFile(path, w.File, 0o644); err != nil {
				t.Fatal(err)
			}
			x, info, err := LoadInfo(path)
			if err != nil {
				t.Errorf("%s: %v", s.Name, err)
				continue
			}
			if info.Rate != w.Rate || info.Channels != w.Channels || len(x) != len(w.X) {
				t.Errorf("%s: rate %d channels %d frames %d, soundfile says %d %d %d", s.Name, info.Rate, info.Channels, len(x), w.Rate, w.Channels, len(w.X))
			} else if d := maxAbsDiff64(x, w.X); d > 1e-6 {
				t.Errorf("%s: max |go - soundfile| = %g, want <= 1e-6", s.Name, d)
			}
		}
	})
}

// TestRIFXAndOddChunks covers layouts soundfile does not write: big-endian
// RIFX, an odd-sized LIST chunk (with its pad byte) before fmt, and a fmt
// chunk longer than 16 bytes. Expected values are the int16s written / 32768.
func TestRIFXAndOddChunks(t *testing.T) {
	pcm := []int16{0, 1, -1, 32767, -32768, 12345, -2222}
	want := make([]float64, len(pcm))
	for i, v := range pcm {
		want[i] = float64(v) / 32768
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"rifx", buildWAV(true, pcm, nil, 16)},
		{"odd LIST chunk", buildWAV(false, pcm, []byte("LIST\x03\x00\x00\x00abc\x00"), 16)},
		{"fmt 18 bytes", buildWAV(false, pcm, nil, 18)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.wav")
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			x, rate, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if rate != 16000 || maxAbsDiff64(x, want) != 0 {
				t.Errorf("got %v at %d Hz, want %v at 16000", x, rate, want)
			}
		})
	}
}

// TestLoadAt: LoadAt equals Load followed by Resample, and is Load itself
// at the file's own rate.
func TestLoadAt(t *testing.T) {
	x := make([]float32, 800)
	for i := range x {
		x[i] = float32(math.Round(16000*math.Sin(float64(i)/5)) / 32768)
	}
	path := filepath.Join(t.TempDir(), "8k.wav")
	f, _ := os.Create(path)
	if err := WriteWAV(f, x, 8000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, rate := range []int{8000, 16000, 11025} {
		got, err := LoadAt(path, rate)
		if err != nil {
			t.Fatal(err)
		}
		want := Resample(x, 8000, rate)
		if len(got) != len(want) || maxAbsDiff32(got, want) != 0 {
			t.Errorf("LoadAt(%d): %d samples, differs from Resample (%d)", rate, len(got), len(want))
		}
	}
}

func maxAbsDiff32(x, y []float32) float64 {
	y64 := make([]float64, len(y))
	for i, v := range y {
		y64[i] = float64(v)
	}
	return maxAbsDiff64(x, y64)
}

func maxAbsDiff64(x []float32, y []float64) float64 {
	if len(x) != len(y) {
		return math.Inf(1)
	}
	var m float64
	for i := range x {
		m = max(m, math.Abs(float64(x[i])-y[i]))
	}
	return m
}

// TestWriteWAVFile: the file holds exactly WriteWAV's bytes (its samples
// load back), no temporary file stays beside it, and a missing directory
// is an error naming the path.
func TestWriteWAVFile(t *testing.T) {
	x := []float32{0, 0.25, -0.5, 1, -1}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	if err := WriteWAVFile(path, x, 8000); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := WriteWAV(&want, x, 8000); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("file: %d bytes (%v), want WriteWAV's %d", len(got), err, want.Len())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only a.wav", len(ents))
	}
	if y, rate, err := Load(path); err != nil || rate != 8000 || maxAbsDiff32(y[:4], []float32{0, 0.25, -0.5, 32767.0 / 32768}) != 0 {
		t.Errorf("Load: %v at %d Hz (%v)", y, rate, err)
	}
	bad := filepath.Join(dir, "missing", "b.wav")
	if err := WriteWAVFile(bad, x, 8000); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("missing directory: %v, want an error naming %s", err, bad)
	}
}
