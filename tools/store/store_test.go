package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testUtt is an utterance and its frames for building test stores.
type testUtt struct {
	u      Utterance
	frames []float32
}

// synthUtts makes n utterances of 3..12 random frames (log-mel-like values
// in [0, 8)) spread over two speakers.
func synthUtts(n, nMels int, seed uint64) []testUtt {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]testUtt, n)
	for i := range out {
		rows := 3 + r.IntN(10)
		f := make([]float32, rows*nMels)
		for j := range f {
			f[j] = 8 * r.Float32()
		}
		spk := fmt.Sprintf("spk%d", i%2)
		out[i] = testUtt{Utterance{ID: fmt.Sprintf("%s-u%03d", spk, i), Speaker: spk,
			Source: fmt.Sprintf("/corpus/%s/%d.wav", spk, i), Duration: float64(rows) / 100}, f}
	}
	return out
}

// build writes utts to a committed store in a temp dir.
func build(t testing.TB, utts []testUtt, opts Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	w, err := Create(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, w, utts)
	w.SetGroup("spk0", "voiceA")
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func addAll(t testing.TB, w *Writer, utts []testUtt) {
	t.Helper()
	for _, x := range utts {
		if err := w.Add(x.u, x.frames); err != nil {
			t.Fatal(err)
		}
	}
}

// maxDiff is the largest |a-b| and whether the lengths match.
func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		tol  float64 // float16: half an ulp at [4,8) is 2^-9 (IEEE 754 binary16, 10-bit mantissa)
	}{
		{"float32", Options{NMels: 16, FeatureConfig: map[string]any{"n_mels": 16}}, 0},
		{"float16", Options{NMels: 16, Float16: true}, 1.0 / 512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			utts := synthUtts(7, 16, 3)
			dir := build(t, utts, tc.opts)
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.NMels() != 16 || len(s.Utterances()) != 7 || s.Float16() != tc.opts.Float16 {
				t.Fatalf("NMels %d, %d utterances, float16 %v", s.NMels(), len(s.Utterances()), s.Float16())
			}
			var dst []float32
			next := int64(0)
			for i, u := range s.Utterances() {
				want := utts[i].u
				want.First, want.Rows = next, int64(len(utts[i].frames)/16)
				next += want.Rows
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("utterance %d (-want +got):\n%s", i, diff)
				}
				dst = s.Frames(u, dst)
				if d := maxDiff(utts[i].frames, dst); d > tc.tol {
					t.Errorf("%s: Frames max abs diff %g > %g", u.ID, d, tc.tol)
				}
				crop := s.Crop(nil, u, 1, 2)
				if d := maxDiff(utts[i].frames[16:48], crop); d > tc.tol {
					t.Errorf("%s: Crop(1,2) max abs diff %g > %g", u.ID, d, tc.tol)
				}
			}
			// DataOffset: the last utterance's frame 1, bin 5, read from the file's bytes
			raw, err := os.ReadFile(filepath.Join(dir, FramesFile))
			if err != nil {
				t.Fatal(err)
			}
			u := s.Utterances()[len(s.Utterances())-1]
			elem := (u.First+1)*16 + 5
			var got float32
			if tc.opts.Float16 {
				got = half2float()[binary.LittleEndian.Uint16(raw[s.DataOffset()+2*elem:])]
			} else {
				got = math.Float32frombits(binary.LittleEndian.Uint32(raw[s.DataOffset()+4*elem:]))
			}
			if want := s.Crop(nil, u, 1, 1)[5]; s.DataOffset() != 128 || got != want {
				t.Errorf("DataOffset %d: the bytes there give %v, Crop %v", s.DataOffset(), got, want)
			}
			if g := s.Groups(); g["spk0"] != "voiceA" || g["spk1"] != "spk1" || len(g) != 2 {
				t.Errorf("Groups = %v, want spk0:voiceA spk1:spk1", g)
			}
			var cfg map[string]any
			if err := json.Unmarshal(s.FeatureConfig(), &cfg); err != nil {
				t.Errorf("FeatureConfig: %v", err)
			}
		})
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	dir := build(t, synthUtts(2, 4, 1), Options{NMels: 4})
	if _, err := Create(dir, Options{NMels: 4}); err == nil {
		t.Fatal("Create over an existing store succeeded without Restart")
	}
	w, err := Create(dir, Options{NMels: 4, Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, w, synthUtts(3, 4, 2))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := len(s.Utterances()); n != 3 {
		t.Errorf("replaced store has %d utterances, want 3", n)
	}
	if _, err := os.Stat(dir + ".old"); !os.IsNotExist(err) {
		t.Errorf("%s.old left behind", dir)
	}
}

func TestAbort(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	w, err := Create(dir, Options{NMels: 4})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, w, synthUtts(2, 4, 1))
	w.Abort()
	for _, p := range []string{dir, dir + ".partial"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after Abort", p)
		}
	}
}

func TestAddRejects(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "s"), Options{NMels: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	ok := Utterance{ID: "a", Speaker: "s", Source: "x.wav"}
	if err := w.Add(ok, make([]float32, 8)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		u Utterance
		n int
	}{
		"duplicate id":  {ok, 4},
		"ragged frames": {Utterance{ID: "b", Speaker: "s", Source: "y"}, 6},
		"no frames":     {Utterance{ID: "c", Speaker: "s", Source: "y"}, 0},
		"tab in source": {Utterance{ID: "d", Speaker: "s", Source: "a\tb"}, 4},
		"empty speaker": {Utterance{ID: "e", Source: "y"}, 4},
	} {
		if err := w.Add(c.u, make([]float32, c.n)); err == nil {
			t.Errorf("%s: Add succeeded", name)
		}
	}
}

// writeF32 writes v as raw little-endian float32.
func writeF32(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, x := range v {
		bits := math.Float32bits(x)
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
