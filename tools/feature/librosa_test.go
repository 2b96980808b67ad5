package feature

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// librosaScript computes, for each case, the reference log-mel
// log10(1 + 10000 * librosa.feature.melspectrogram(y, power=2, window
// 'hann', htk=False, norm='slaney')) on the float32 samples in
// <dir>/<name>.f32 and writes it as float64 [frames, n_mels] to
// <dir>/<name>.f64; with "trim" it applies librosa.effects.trim first.
const librosaScript = `
import json, sys
import numpy as np
import librosa
d, cases = sys.argv[1], json.loads(sys.argv[2])
for c in cases:
    y = np.fromfile("%s/%s.f32" % (d, c["name"]), dtype="<f4")
    if c.get("trim"):
        y, _ = librosa.effects.trim(y, top_db=c["top_db"], frame_length=c["n_fft"], hop_length=c["hop"])
    S = librosa.feature.melspectrogram(y=y, sr=c["sr"], n_fft=c["n_fft"], hop_length=c["hop"],
        win_length=c["win"], window="hann", center=c["center"], pad_mode=c["pad"], power=2.0,
        n_mels=c["n_mels"], fmin=c["fmin"], fmax=c["fmax"], htk=False, norm="slaney")
    np.log10(1 + 10000 * S.astype(np.float64)).T.astype("<f8").tofile("%s/%s.f64" % (d, c["name"]))
`

type librosaCase struct {
	Name   string  `json:"name"`
	SR     int     `json:"sr"`
	NFFT   int     `json:"n_fft"`
	Hop    int     `json:"hop"`
	Win    int     `json:"win"`
	Center bool    `json:"center"`
	Pad    string  `json:"pad"`
	NMels  int     `json:"n_mels"`
	FMin   float64 `json:"fmin"`
	FMax   float64 `json:"fmax"`
	Trim   bool    `json:"trim"`
	TopDB  float64 `json:"top_db"`
	x      []float32
}

// speechLike is a deterministic 1.2 s test signal at rate Hz: a voiced
// harmonic series on a 110..220 Hz pitch glide with a formant-like
// envelope, syllable amplitude modulation, noise bursts, and 0.2 s of
// near-silence at both ends (for VAD).
func speechLike(rate int) []float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	n := rate * 6 / 5
	x := make([]float32, n)
	var phase float64
	for i := range x {
		t := float64(i) / float64(rate)
		f0 := 110 + 110*t/1.2
		phase += 2 * math.Pi * f0 / float64(rate)
		var v float64
		for h := 1; h*int(f0) < rate/2 && h <= 30; h++ {
			f := float64(h) * f0
			v += math.Sin(float64(h)*phase) / float64(h) * math.Exp(-math.Pow((f-700)/600, 2)+0.3)
		}
		v = 0.3*v*(0.6+0.4*math.Sin(2*math.Pi*4*t)) + 0.02*rng.NormFloat64()
		if t < 0.2 || t > 1.0 {
			v = 1e-4 * rng.NormFloat64()
		}
		x[i] = float32(v)
	}
	return x
}

// TestLogMelMatchesLibrosa compares Compute with librosa 0.11 on the same
// float32 samples. Tolerance: 1e-4 absolute on log10(1 + 10000 x) (the
// measured maxima, logged, are about 4e-7: float32 rounding).
func TestLogMelMatchesLibrosa(t *testing.T) {
	speech := speechLike(16000)
	cases := []librosaCase{
		{Name: "reference", SR: 16000, NFFT: 1024, Hop: 160, Win: 1024, Center: true, Pad: "reflect", NMels: 128, FMax: 8000, x: speech},
		{Name: "constant_pad", SR: 16000, NFFT: 1024, Hop: 160, Win: 1024, Center: true, Pad: "constant", NMels: 128, FMax: 8000, x: speech},
		{Name: "win400_nocenter", SR: 16000, NFFT: 512, Hop: 160, Win: 400, Center: false, Pad: "constant", NMels: 64, FMin: 50, FMax: 7000, x: speech},
		{Name: "sr8000", SR: 8000, NFFT: 256, Hop: 80, Win: 200, Center: true, Pad: "reflect", NMels: 40, FMax: 4000, x: speechLike(8000)},
		{Name: "vad_trim", SR: 16000, NFFT: 1024, Hop: 160, Win: 1024, Center: true, Pad: "reflect", NMels: 128, FMax: 8000, Trim: true, TopDB: 30, x: speech},
	}
	if espeak := testenv.Optional(t, "espeak-ng"); espeak != "" {
		cases = append(cases, librosaCase{Name: "espeak", SR: 16000, NFFT: 1024, Hop: 160, Win: 1024, Center: true, Pad: "reflect", NMels: 128, FMax: 8000, x: espeakUtterance(t, espeak)})
	}
	dir := t.TempDir()
	for _, c := range cases {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, c.x)
		os.WriteFile(filepath.Join(dir, c.Name+".f32"), b.Bytes(), 0o644)
	}
	arg, _ := json.Marshal(cases)
	testenv.RunPython(t, librosaScript, dir, string(arg))
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := readF64(t, filepath.Join(dir, c.Name+".f64"))
			cfg := DefaultConfig()
			cfg.SampleRate, cfg.NFFT, cfg.Hop, cfg.WinLength = c.SR, c.NFFT, c.Hop, c.Win
			cfg.Center, cfg.PadMode, cfg.NMels, cfg.FMin, cfg.FMax = c.Center, c.Pad, c.NMels, c.FMin, c.FMax
			cfg.VAD, cfg.VADThresholdDB = c.Trim, c.TopDB
			e, err := NewExtractor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, n := e.Compute(nil, c.x)
			if len(got) != len(want) {
				t.Fatalf("%d frames x %d mels, librosa has %d values", n, c.NMels, len(want))
			}
			d := maxAbsDiff(got, want)
			t.Logf("%s: %d frames, max |go - librosa| = %.2g", c.Name, n, d)
			if d > 1e-4 {
				t.Errorf("max abs diff %g > 1e-4", d)
			}
		})
	}
}

// espeakUtterance synthesises a sentence with espeak-ng (22.05 kHz) and
// resamples it to 16 kHz with tools/audio.
func espeakUtterance(t *testing.T, espeak string) []float32 {
	path := filepath.Join(t.TempDir(), "u.wav")
	if out, err := exec.Command(espeak, "-w", path, "The quick brown fox jumps over the lazy dog.").CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v\n%s", err, out)
	}
	x, err := audio.LoadAt(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func readF64(t *testing.T, path string) []float64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(raw)/8)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, v)
	return v
}

func maxAbsDiff(x []float32, y []float64) float64 {
	var m float64
	for i := range x {
		m = max(m, math.Abs(float64(x[i])-y[i]))
	}
	return m
}
