package eval

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadTrials feeds arbitrary text to the trial, RTTM and segments
// readers: they must return trials/turns or an error, never panic, and
// accepted trials must have a label in {-1, 0, 1}.
func FuzzReadTrials(f *testing.F) {
	f.Add("1 id1/a/1.wav id1/b/2.wav\nu1 u2 nontarget\n")
	f.Add("SPEAKER f 1 0.5 1.25 <NA> <NA> spk <NA> <NA>\n")
	f.Add("utt rec 0.0 1.5\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		trials, err := ReadTrials(p)
		for _, tr := range trials {
			if err == nil && (tr.Target < -1 || tr.Target > 1 || tr.Enroll == "" || tr.Test == "") {
				t.Fatalf("bad trial %+v", tr)
			}
		}
		if segs, err := ReadRTTM(p); err == nil {
			for _, s := range segs {
				if !(s.End >= s.Start) || math.IsInf(s.End, 0) {
					t.Fatalf("turn ends before it starts: %+v", s)
				}
			}
			DER(segs, segs, 0.25)
		}
		ReadSegments(p)
	})
}

// BenchmarkLinkage measures complete linkage on 1000 random 32-d points.
func BenchmarkLinkage(b *testing.B) {
	x := randomData(1000, 32, 1)
	d := Pdist(x, 32, Cosine)
	for b.Loop() {
		Linkage(d, 1000, Complete)
	}
}

// BenchmarkOracleCut measures the oracle search on 2000 utterances of 40
// speakers.
func BenchmarkOracleCut(b *testing.B) {
	x, y := blobs(40, 50, 16, 0.6, 1)
	z := Linkage(Pdist(x, 16, Cosine), len(y), Complete)
	for b.Loop() {
		OracleCut(z, y)
	}
}
