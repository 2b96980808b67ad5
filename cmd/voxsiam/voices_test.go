package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// testVoice is a synthetic speaker for the answers commands' tests: a
// pulse train at pitch F0 through two resonators (formants F1, F2), in
// syllables of 150-300 ms with 50-150 ms pauses. Utterances of one voice
// differ by their random syllable timing and a +-4% pitch drift.
type testVoice struct {
	F0, F1, F2 float64 // Hz
}

// testVoices are voices far apart in pitch and formants.
var testVoices = []testVoice{{F0: 105, F1: 500, F2: 1500}, {F0: 230, F1: 800, F2: 2300}, {F0: 160, F1: 350, F2: 2900}}

// speech returns secs seconds of v at 16 kHz; seed picks the utterance.
func (v testVoice) speech(secs float64, seed uint64) []float32 {
	const rate = 16000
	rng := rand.New(rand.NewPCG(seed, uint64(v.F0)))
	x := make([]float32, int(secs*rate))
	drift := 1 + 0.08*(rng.Float64()-0.5)
	var phase float64
	var y1, y2, z1, z2 float64
	r1, r2 := res(v.F1, 120, rate), res(v.F2, 200, rate)
	for i := 0; i < len(x); {
		syl := int((0.15 + 0.15*rng.Float64()) * rate)
		for k := 0; k < syl && i < len(x); k, i = k+1, i+1 {
			f := v.F0 * drift * (1 + 0.05*math.Sin(2*math.Pi*float64(i)/rate*3))
			phase += f / rate
			e := 0.0
			if phase >= 1 {
				phase--
				e = 1
			}
			env := math.Sin(math.Pi * float64(k) / float64(syl))
			a := e*env + r1[0]*y1 + r1[1]*y2
			y2, y1 = y1, a
			b := a + r2[0]*z1 + r2[1]*z2
			z2, z1 = z1, b
			x[i] = float32(0.02 * b)
		}
		i += int((0.05 + 0.1*rng.Float64()) * rate)
	}
	var peak float32
	for _, s := range x {
		peak = max(peak, float32(math.Abs(float64(s))))
	}
	for i := range x {
		x[i] *= 0.5 / peak
	}
	return x
}

// res returns the feedback coefficients of a two-pole resonator at f Hz
// with bandwidth bw Hz.
func res(f, bw float64, rate int) [2]float64 {
	r := math.Exp(-math.Pi * bw / float64(rate))
	return [2]float64{2 * r * math.Cos(2*math.Pi*f/float64(rate)), -r * r}
}

// writeVoice writes utterance seed of v (secs seconds) to dir/name.wav.
func writeVoice(t *testing.T, dir, name string, v testVoice, secs float64, seed uint64) string {
	t.Helper()
	var buf bytes.Buffer
	if err := audio.WriteWAV(&buf, v.speech(secs, seed), 16000); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".wav")
	embedWrite(t, p, buf.Bytes())
	return p
}
