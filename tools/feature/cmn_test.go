package feature

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// kaldiCMNScript is a numpy transcription of Kaldi's apply-cmvn
// --norm-vars=false (utterance: each bin minus its mean over the
// utterance) and of SlidingWindowCmnInternal (feature-functions.cc) as
// apply-cmvn-sliding --norm-vars=false --center=true runs it: the window
// [t - w/2, t - w/2 + w) shifted inside the utterance, its sum kept as a
// running float64 sum (a frame added at the end, one removed at the start,
// as Kaldi does) rather than Go's prefix sums.
const kaldiCMNScript = `
import json, sys
import numpy as np
x = np.array(json.loads(sys.argv[1]), dtype=np.float32)
c = json.loads(sys.argv[2])
x = x.reshape(c["n"], c["dim"])
out = {"utterance": np.round(x.astype(np.float64) - x.astype(np.float64).mean(axis=0), 6).ravel().tolist()}
for w in c["windows"]:
    n = len(x)
    y = np.zeros((n, c["dim"]))
    cur = np.zeros(c["dim"])
    ls, le = -1, -1
    for t in range(n):
        ws = t - w // 2
        we = ws + w
        if ws < 0:
            we -= ws
            ws = 0
        if we > n:
            ws -= we - n
            we = n
            if ws < 0:
                ws = 0
        if ls == -1:
            cur = x[ws:we].astype(np.float64).sum(axis=0)
        else:
            if ws > ls:
                assert ws == ls + 1
                cur -= x[ls]
            if we > le:
                assert we == le + 1
                cur += x[le]
        ls, le = ws, we
        y[t] = x[t] - cur / (we - ws)
    out[str(w)] = np.round(y, 6).ravel().tolist()
print(json.dumps(out))
`

// cmnFrames is a deterministic [n, dim] input: log-mel-like values around
// a level that drifts over the utterance, so means differ by window.
func cmnFrames(n, dim int) []float32 {
	r := rand.New(rand.NewPCG(7, 11))
	x := make([]float32, n*dim)
	for t := 0; t < n; t++ {
		for m := 0; m < dim; m++ {
			x[t*dim+m] = float32(3 + 2*math.Sin(float64(t)/5+float64(m)) + r.NormFloat64())
		}
	}
	return x
}

// TestCMNMatchesKaldi compares utterance CMN (ApplyCMN CMNUtterance) and
// sliding CMN (CMNSliding) with the numpy transcription of Kaldi above on
// 23 frames of 3 bins, for windows shorter than, equal to and longer than
// the utterance, even and odd (the centre and both shifted edges): max
// abs diff <= 1e-5 (float32 output, the reference rounded to 1e-6).
func TestCMNMatchesKaldi(t *testing.T) {
	const n, dim = 23, 3
	windows := []int{1, 6, 7, 22, 23, 40, DefaultCMNWindow}
	x := cmnFrames(n, dim)
	xs, _ := json.Marshal(x)
	arg, _ := json.Marshal(map[string]any{"n": n, "dim": dim, "windows": windows})
	testenv.Reference(t, "kaldi-cmn", kaldiCMNScript, []string{string(xs), string(arg)}, func(t *testing.T, out []byte) {
		var want map[string][]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		check := func(name string, got []float32) {
			if len(got) != len(want[name]) {
				t.Fatalf("%s: %d values, reference %d", name, len(got), len(want[name]))
			}
			if d := maxAbsDiff(got, want[name]); d > 1e-5 {
				t.Errorf("%s: max |go - numpy Kaldi| = %g > 1e-5", name, d)
			}
		}
		u := append([]float32(nil), x...)
		ApplyCMN(u, n, dim, CMNUtterance, 0)
		check("utterance", u)
		for _, w := range windows {
			s := append([]float32(nil), x...)
			ApplyCMN(s, n, dim, CMNSliding, w)
			check(fmt.Sprint(w), s)
		}
	})
}

// TestSlidingCMNSpan: normalising frames [from, to) from only the span
// CMNSpan names equals cutting them from the whole utterance normalised
// (what training's crops rely on), for crops at the start, the middle and
// the end and windows around the utterance's length.
func TestSlidingCMNSpan(t *testing.T) {
	const n, dim = 50, 4
	x := cmnFrames(n, dim)
	for _, w := range []int{5, 10, 49, 50, 300} {
		full := append([]float32(nil), x...)
		ApplyCMN(full, n, dim, CMNSliding, w)
		for _, c := range [][2]int{{0, 8}, {21, 29}, {42, 50}, {0, 50}, {17, 18}} {
			lo, hi := CMNSpan(c[0], c[1], n, w)
			got := SlidingCMNSpan(nil, x[lo*dim:hi*dim], lo, c[0], c[1], n, dim, w)
			for i, v := range got {
				if want := full[c[0]*dim+i]; v != want {
					t.Fatalf("window %d, crop %v: value %d = %g, whole utterance gives %g", w, c, i, v, want)
				}
			}
		}
	}
}

// TestCMNWindow: the windows Kaldi's centred sliding CMN uses, written
// out by hand from feature-functions.cc for w = 4 on 10 frames and for a
// window longer than the utterance.
func TestCMNWindow(t *testing.T) {
	cases := []struct{ t, n, w, lo, hi int }{
		{0, 10, 4, 0, 4}, {1, 10, 4, 0, 4}, {2, 10, 4, 0, 4}, {3, 10, 4, 1, 5},
		{7, 10, 4, 5, 9}, {8, 10, 4, 6, 10}, {9, 10, 4, 6, 10},
		{0, 10, 5, 0, 5}, {4, 10, 5, 2, 7}, {9, 10, 5, 5, 10},
		{0, 3, 300, 0, 3}, {2, 3, 300, 0, 3},
	}
	for _, c := range cases {
		if lo, hi := CMNWindow(c.t, c.n, c.w); lo != c.lo || hi != c.hi {
			t.Errorf("CMNWindow(%d, %d, %d) = [%d, %d), want [%d, %d)", c.t, c.n, c.w, lo, hi, c.lo, c.hi)
		}
	}
}
