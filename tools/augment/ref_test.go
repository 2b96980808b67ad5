package augment

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the live Python references")

// reference is one set of reference values and where it came from.
type reference struct {
	origin string // "python (live)" or "testdata/<name>.json"
	data   []byte // the script's JSON output
}

// references returns the reference values of name: the stored ones of
// testdata/<name>.json (always, so plain `go test` checks fixed numbers)
// and, when the project's venv exists (testenv.HavePython: a missing one
// fails the test when testenv.Required), the ones script computes live
// from input (written as JSON to a file named by sys.argv[1]). -update rewrites
// the stored file from the live run.
func references(t *testing.T, name, script string, input any) []reference {
	t.Helper()
	stored := filepath.Join("testdata", name+".json")
	var refs []reference
	if testenv.HavePython(t) {
		in, err := json.Marshal(input)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "in.json")
		if err := os.WriteFile(path, in, 0o644); err != nil {
			t.Fatal(err)
		}
		out := testenv.RunPython(t, script, path)
		if *update {
			if err := os.WriteFile(stored, out, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		refs = append(refs, reference{"python (live)", out})
	}
	data, err := os.ReadFile(stored)
	if err != nil {
		t.Fatalf("%v (run `go test -run %s -update` with the venv to create it)", err, t.Name())
	}
	return append(refs, reference{stored, data})
}

func decode(t *testing.T, r reference, v any) {
	t.Helper()
	if err := json.Unmarshal(r.data, v); err != nil {
		t.Fatalf("%s: %v", r.origin, err)
	}
}

// chirp is a linear sweep from f0 to f1 Hz over n samples at Rate, amplitude a.
func chirp(n int, f0, f1, a float64) []float32 {
	x := make([]float32, n)
	T := float64(n) / Rate
	for i := range x {
		t := float64(i) / Rate
		x[i] = float32(a * math.Sin(2*math.Pi*(f0*t+(f1-f0)*t*t/(2*T))))
	}
	return x
}

// gaussian is n samples of N(0, sd²) noise from seed.
func gaussian(n int, sd float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(sd * r.NormFloat64())
	}
	return x
}

func maxAbsDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func cmplxExp(w float64) complex128 { return complex(math.Cos(w), math.Sin(w)) }
func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }
func abs64(v float64) float64       { return math.Abs(v) }

// testenv_require is testenv.Require for the live references: the venv
// exists, so the tool the script runs must too.
func testenv_require(t *testing.T, exe string) { testenv.Require(t, exe) }
