package augment

import (
	"encoding/hex"
	"math"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// TestG711MatchesSox encodes every 7th 16-bit value with µ-law and A-law
// and compares the code bytes with sox's encoder (`sox -D in.wav -e mu-law`,
// which uses the CCITT g711.c tables); all 256 codes are decoded by sox too.
func TestG711MatchesSox(t *testing.T) {
	var pcm []int16
	for v := -32768; v <= 32767; v += 7 {
		pcm = append(pcm, int16(v))
	}
	const script = `
import json, sys, subprocess, tempfile, os, numpy as np, scipy.io.wavfile as wf
d = json.load(open(sys.argv[1])); pcm = np.array(d["pcm"], dtype=np.int16)
out = {}
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "in.wav"); wf.write(src, 8000, pcm)
    codes = os.path.join(tmp, "codes.raw"); open(codes, "wb").write(bytes(range(256)))
    for law, enc in [("mulaw", "mu-law"), ("alaw", "a-law")]:
        o = os.path.join(tmp, law + ".raw")
        subprocess.run(["sox", "-D", src, "-t", "raw", "-e", enc, "-b", "8", o], check=True)
        dec = os.path.join(tmp, law + ".s16")
        subprocess.run(["sox", "-t", "raw", "-r", "8000", "-c", "1", "-e", enc, "-b", "8", codes,
                        "-t", "raw", "-e", "signed", "-b", "16", "-L", dec], check=True)
        out[law] = {"codes": open(o, "rb").read().hex(), "decoded": np.fromfile(dec, dtype="<i2").tolist()}
print(json.dumps(out))
`
	laws := []struct {
		name string
		enc  func(int16) byte
		dec  func(byte) int16
	}{{"mulaw", MuLawEncode, MuLawDecode}, {"alaw", ALawEncode, ALawDecode}}
	if testenv.HavePython(t) {
		testenv_require(t, "sox")
	}
	for _, ref := range references(t, "g711", script, map[string]any{"pcm": pcm}) {
		var want map[string]struct {
			Codes   string
			Decoded []int16
		}
		decode(t, ref, &want)
		for _, l := range laws {
			codes, err := hex.DecodeString(want[l.name].Codes)
			if err != nil || len(codes) != len(pcm) {
				t.Fatalf("%s: %s: %d codes (%v), want %d", ref.origin, l.name, len(codes), err, len(pcm))
			}
			bad := 0
			for i, v := range pcm {
				if got := l.enc(v); got != codes[i] {
					if bad++; bad <= 5 {
						t.Errorf("%s: %s encode %d = %#02x, sox %#02x", ref.origin, l.name, v, got, codes[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s: %s: %d of %d codes differ from sox", ref.origin, l.name, bad, len(pcm))
			}
			for c, w := range want[l.name].Decoded {
				if got := l.dec(byte(c)); got != w {
					t.Errorf("%s: %s decode %#02x = %d, sox %d", ref.origin, l.name, c, got, w)
				}
			}
		}
	}
}

// TestTelephoneBand: white noise through the channel keeps 500-3000 Hz and
// loses at least 30 dB below 150 Hz and above 4200 Hz (scipy welch), and
// the µ-law round trip's quantisation noise is below -30 dB of a loud tone.
func TestTelephoneBand(t *testing.T) {
	x := gaussian(2*Rate, 0.1, 5)
	y, err := Telephone(x, MuLaw)
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != len(x) {
		t.Fatalf("%d samples, want %d", len(y), len(x))
	}
	const script = `
import json, sys, numpy as np, scipy.signal as ss
d = json.load(open(sys.argv[1])); y = np.array(d["y"])
f, p = ss.welch(y, fs=16000, nperseg=1024)
band = p[(f >= 500) & (f <= 3000)].mean()
print(json.dumps({"low_db": 10*np.log10(p[(f > 0) & (f <= 150)].mean() / band),
                  "high_db": 10*np.log10(p[f >= 4200].mean() / band), "head": d["y"][:8]}))
`
	for _, ref := range references(t, "telephone", script, map[string]any{"y": f64(y)}) {
		var want struct {
			LowDB  float64 `json:"low_db"`
			HighDB float64 `json:"high_db"`
			Head   []float64
		}
		decode(t, ref, &want)
		if d := maxAbsDiff(f64(y[:8]), want.Head); d > 1e-7 {
			t.Fatalf("%s: Telephone changed (head differs by %g); rerun with -update", ref.origin, d)
		}
		t.Logf("%s: below 150 Hz %.1f dB, above 4200 Hz %.1f dB relative to 500-3000 Hz", ref.origin, want.LowDB, want.HighDB)
		if want.LowDB > -30 || want.HighDB > -40 {
			t.Errorf("%s: out-of-band level %.1f dB (low, want <= -30), %.1f dB (high, want <= -40)", ref.origin, want.LowDB, want.HighDB)
		}
	}
	for _, c := range []Codec{MuLaw, ALaw} {
		tone := chirp(Rate, 1000, 1000, 0.5)
		out, _ := Telephone(tone, c)
		ref := Filter(nil, tone, append(Butterworth4(Rate, TelLow, true), Butterworth4(Rate, TelHigh, false)...)...)
		ref = Filter(ref, ref, Butterworth4(Rate, TelHigh, false)...)
		var e, p float64
		for i := 2000; i < len(tone)-2000; i++ {
			e += math.Pow(float64(out[i]-ref[i]), 2)
			p += math.Pow(float64(ref[i]), 2)
		}
		if snr := dB(p / e); snr < 30 {
			t.Errorf("%s: 1 kHz tone through the channel: SNR %.1f dB against the band-passed tone, want >= 30", c, snr)
		}
	}
	if _, err := Telephone(x, "gsm-efr"); err == nil {
		t.Error("Telephone accepted an unknown codec")
	}
}
