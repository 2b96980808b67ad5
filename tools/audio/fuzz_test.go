package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// checkDecode is the fuzz property shared by all formats: Decode never
// panics, and a success yields a positive rate, samples, and only finite
// values.
func checkDecode(t *testing.T, data []byte) {
	x, rate, err := Decode(bytes.NewReader(data), "fuzz")
	if err != nil {
		return
	}
	if rate <= 0 || len(x) == 0 {
		t.Fatalf("success with rate %d and %d samples", rate, len(x))
	}
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite sample %v", v)
		}
	}
}

// FuzzDecodeWAV mutates RIFF/WAVE files (seeds here and in testdata/fuzz).
func FuzzDecodeWAV(f *testing.F) {
	var w bytes.Buffer
	WriteWAV(&w, []float32{0, 0.5, -0.5, 1}, 16000)
	f.Add(w.Bytes())
	f.Add(buildWAV(true, []int16{1, -1, 3}, nil, 16))
	f.Add(buildWAV(false, []int16{1, -1, 3}, []byte("LIST\x03\x00\x00\x00abc\x00"), 18))
	f.Fuzz(checkDecode)
}

// FuzzDecodeSPHERE mutates NIST SPHERE files.
func FuzzDecodeSPHERE(f *testing.F) {
	var pcm bytes.Buffer
	binary.Write(&pcm, binary.LittleEndian, []int16{1, 2, 3, 4})
	f.Add(buildSPHERE(sphereFields(2, 2, "01"), pcm.Bytes()))
	f.Add(buildSPHERE(sphereFields(4, 1, "10"), pcm.Bytes()))
	f.Fuzz(checkDecode)
}

// FuzzDecodeFLAC mutates a tiny FLAC file made by sox (testdata/tiny.flac).
func FuzzDecodeFLAC(f *testing.F) {
	b, err := os.ReadFile("testdata/tiny.flac")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(checkDecode)
}
