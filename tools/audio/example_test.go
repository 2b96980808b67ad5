package audio_test

import (
	"bytes"
	"fmt"

	"github.com/voxsiam/voxsiam/tools/audio"
)

func ExampleDecode() {
	var buf bytes.Buffer
	if err := audio.WriteWAV(&buf, []float32{0, 0.25, -0.5, 1}, 8000); err != nil {
		panic(err)
	}
	x, rate, err := audio.Decode(bytes.NewReader(buf.Bytes()), "example.wav")
	fmt.Println(x, rate, err)
	// Output: [0 0.25 -0.5 0.9999695] 8000 <nil>
}

func ExampleResample() {
	x := make([]float32, 4410) // 0.1 s at 44.1 kHz
	y := audio.Resample(x, 44100, 16000)
	fmt.Println(len(y))
	// Output: 1600
}
