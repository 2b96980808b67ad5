package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// Rate is the sample rate of the corpus in Hz.
const Rate = 16000

// peak is the level every utterance is scaled to: -3 dBFS, leaving headroom.
var peak = float32(math.Pow(10, -3.0/20))

// Speaker is a synthetic speaker: a base voice realised by one engine voice,
// perturbed in pitch, speaking rate and vocal-tract length.
type Speaker struct {
	ID    string  // "spk0001"
	Base  string  // BaseVoice.Name: the group splits keep together
	Voice Voice   // engine voice that speaks
	Pitch float64 // F0 factor (1 = the voice's default); espeak-ng/flite 0.8..1.25, festival 0.88..1.14
	Speed float64 // speaking-rate factor, 0.85..1.18 (> 1 faster); = EngineWarp for Voice.FixedRate
	Warp  float64 // resampling factor 0.94..1.06 in steps of 0.01: > 1 shortens the vocal tract, raises F0 and formants
}

// EngineWarp is the resampling factor applied after synthesis: Warp, times
// Pitch for festival (whose voices have no common F0 control), in steps of 0.01.
func (s Speaker) EngineWarp() float64 {
	if s.Voice.Engine == Festival {
		return math.Round(s.Warp*s.Pitch*100) / 100
	}
	return s.Warp
}

// Plan assigns n speakers to base voices, deterministically for a seed:
// bases in a seeded random order, taken in turn (so n >= len(bases) uses
// every base), a base's engine realisations in turn, and seeded random
// perturbations per speaker.
func Plan(bases []BaseVoice, n int, seed uint64) []Speaker {
	if len(bases) == 0 {
		panic("synth: Plan without base voices")
	}
	order := rand.New(rand.NewPCG(seed, streamBaseOrder)).Perm(len(bases))
	out := make([]Speaker, n)
	for i := range out {
		b := bases[order[i%len(bases)]]
		v := b.Voices[(i/len(bases))%len(b.Voices)]
		r := rand.New(rand.NewPCG(seed, streamSpeaker(i)))
		lo, hi := 0.8, 1.25
		if v.Engine == Festival {
			lo, hi = 0.88, 1.14
		}
		out[i] = Speaker{ID: fmt.Sprintf("spk%04d", i+1), Base: b.Name, Voice: v,
			Pitch: logUniform(r, lo, hi), Speed: logUniform(r, 0.85, 1.18),
			Warp: float64(94+r.IntN(13)) / 100}
		if v.FixedRate { // the engine keeps its durations: only the warp changes the rate
			out[i].Speed = out[i].EngineWarp()
		}
	}
	return out
}

// logUniform draws from [lo, hi] uniformly on a log scale, rounded to 0.01.
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	v := math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
	return math.Round(v*100) / 100
}

// postprocess turns engine output x (rate Hz) into corpus audio: resampled
// to 16 kHz, warped by resampling (a factor w plays 16000*w Hz audio at
// 16000 Hz), trimmed of leading and trailing silence (keeping 100 ms) and
// scaled to a -3 dBFS peak.
func postprocess(x []float32, rate int, warp float64) []float32 {
	y := audio.Resample(x, rate, Rate)
	if k := int(math.Round((warp - 1) * 100)); k != 0 {
		y = audio.Resample(y, Rate+Rate/100*k, Rate) // ratio 100/(100+k): a short filter
	}
	y = trimSilence(y, Rate/100, Rate/10)
	var m float32
	for _, v := range y {
		m = max(m, v, -v)
	}
	if m > 0 {
		g := peak / m
		for i := range y {
			y[i] *= g
		}
	}
	return y
}

// trimSilence cuts leading and trailing frames (hop samples) whose RMS is
// 50 dB or more below the loudest frame's, keeping pad samples of margin.
func trimSilence(x []float32, hop, pad int) []float32 {
	n := len(x) / hop
	if n == 0 {
		return x
	}
	e := make([]float64, n)
	top := 0.0
	for i := range e {
		for _, v := range x[i*hop : (i+1)*hop] {
			e[i] += float64(v) * float64(v)
		}
		top = math.Max(top, e[i])
	}
	thr := top * 1e-5 // -50 dB in energy
	first, last := 0, n-1
	for first < n && e[first] <= thr {
		first++
	}
	for last > first && e[last] <= thr {
		last--
	}
	a, b := max(0, first*hop-pad), min(len(x), (last+1)*hop+pad)
	if a >= b {
		return x
	}
	return x[a:b]
}
