package augment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gsmInput is 4,100 samples (25.6 GSM frames, so the last frame is
// padded) at 8 kHz of a voiced-speech-like signal: harmonics of a 110-190
// Hz glide with a falling spectrum, plus noise, peak about -8 dBFS.
func gsmInput() []int16 {
	r := rand.New(rand.NewPCG(8, 8))
	x := make([]int16, 4100)
	phase := 0.0
	for i := range x {
		f0 := 110 + 80*float64(i)/float64(len(x))
		phase += 2 * math.Pi * f0 / TelRate
		v := 0.0
		for h := 1; h*int(f0) < 3400; h++ {
			v += math.Sin(float64(h)*phase) / float64(h)
		}
		x[i] = int16(4000*v + 300*r.NormFloat64())
	}
	return x
}

// TestGSMMatchesSox: GSMRoundTrip (raw PCM through sox's GSM encoder and
// decoder on pipes) equals, sample for sample, what sox gives from files
// (`sox -D in.wav out.gsm`, `sox -D out.gsm -e signed-integer -b 16
// out.wav`), the same length as
// the input; the codec is lossy but keeps the waveform aligned (the
// cross-correlation peaks at lag 0) at a waveform SNR between 3 and 30 dB
// (G.711 keeps >= 30 dB; GSM 06.10 codes a spectral envelope and pulse
// excitation, not the waveform).
func TestGSMMatchesSox(t *testing.T) {
	testenv_require(t, "sox")
	pcm := gsmInput()
	const script = `
import json, sys, subprocess, tempfile, os, numpy as np, scipy.io.wavfile as wf
pcm = np.array(json.load(open(sys.argv[1]))["pcm"], dtype=np.int16)
with tempfile.TemporaryDirectory() as tmp:
    src, gsm, dec = (os.path.join(tmp, n) for n in ("in.wav", "out.gsm", "out.wav"))
    wf.write(src, 8000, pcm)
    subprocess.run(["sox", "-D", src, gsm], check=True)
    subprocess.run(["sox", "-D", gsm, "-e", "signed-integer", "-b", "16", dec], check=True)
    _, y = wf.read(dec)
    print(json.dumps({"gsm_bytes": os.path.getsize(gsm), "decoded": y[:len(pcm)].tolist(), "decoded_len": len(y)}))
`
	got, err := GSMRoundTrip(append([]int16(nil), pcm...))
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range references(t, "gsm", script, map[string]any{"pcm": pcm}) {
		var want struct {
			GSMBytes   int `json:"gsm_bytes"`
			Decoded    []int16
			DecodedLen int `json:"decoded_len"`
		}
		decode(t, ref, &want)
		if frames := (len(pcm) + 159) / 160; want.GSMBytes != 33*frames || want.DecodedLen != 160*frames {
			t.Errorf("%s: sox wrote %d bytes and decoded %d samples; want %d frames of 33 bytes, 160 samples", ref.origin, want.GSMBytes, want.DecodedLen, frames)
		}
		if len(got) != len(pcm) || len(want.Decoded) != len(pcm) {
			t.Fatalf("%s: %d samples, sox %d, input %d", ref.origin, len(got), len(want.Decoded), len(pcm))
		}
		bad := 0
		for i := range got {
			if got[i] != want.Decoded[i] {
				if bad++; bad <= 5 {
					t.Errorf("%s: sample %d = %d, sox %d", ref.origin, i, got[i], want.Decoded[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d samples differ from sox", ref.origin, bad, len(got))
		}
	}
	best, bestLag := math.Inf(-1), 0
	for lag := -40; lag <= 40; lag++ {
		var c float64
		for i := 200; i < len(pcm)-200; i++ {
			c += float64(pcm[i]) * float64(got[i+lag])
		}
		if c > best {
			best, bestLag = c, lag
		}
	}
	var e, p float64
	for i := range pcm {
		d := float64(got[i]) - float64(pcm[i])
		e, p = e+d*d, p+float64(pcm[i])*float64(pcm[i])
	}
	snr := dB(p / e)
	t.Logf("GSM 06.10 round trip: waveform SNR %.1f dB, correlation peak at lag %d", snr, bestLag)
	if bestLag != 0 {
		t.Errorf("GSM output correlates best at lag %d, want 0 (aligned)", bestLag)
	}
	if snr < 3 || snr > 30 {
		t.Errorf("GSM waveform SNR %.1f dB, want 3-30 dB (lossy, but the same signal)", snr)
	}
}

// TestTelephoneGSM: the gsm telephone channel keeps the length and a 1 kHz
// tone (SNR against the band-passed tone >= 10 dB; a steady tone is what
// GSM's long-term predictor codes best: 39 dB measured, µ-law 32 dB).
func TestTelephoneGSM(t *testing.T) {
	testenv_require(t, "sox")
	tone := chirp(Rate, 1000, 1000, 0.5)
	g, err := Telephone(tone, GSM)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := Telephone(tone, MuLaw)
	ref := Filter(nil, tone, append(Butterworth4(Rate, TelLow, true), Butterworth4(Rate, TelHigh, false)...)...)
	ref = Filter(ref, ref, Butterworth4(Rate, TelHigh, false)...)
	if len(g) != len(tone) {
		t.Fatalf("%d samples, want %d", len(g), len(tone))
	}
	var eg, eu, p float64
	for i := 2000; i < len(tone)-2000; i++ {
		eg += math.Pow(float64(g[i]-ref[i]), 2)
		eu += math.Pow(float64(u[i]-ref[i]), 2)
		p += math.Pow(float64(ref[i]), 2)
	}
	t.Logf("1 kHz tone: SNR gsm %.1f dB, mulaw %.1f dB", dB(p/eg), dB(p/eu))
	if dB(p/eg) < 10 {
		t.Errorf("gsm channel: 1 kHz tone SNR %.1f dB, want >= 10", dB(p/eg))
	}
}
