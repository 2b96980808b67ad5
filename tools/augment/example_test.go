package augment_test

import (
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/tools/augment"
)

// A tone made noisier at 10 dB SNR, then played 10% faster.
func Example() {
	speech := make([]float32, augment.Rate) // 1 s of a 200 Hz tone
	for i := range speech {
		speech[i] = float32(0.3 * math.Sin(2*math.Pi*200*float64(i)/augment.Rate))
	}
	r := augment.NewRand(1, "utt-0001/noise") // seed, then a key naming the output
	noise, err := augment.Noise(nil, len(speech), augment.Pink, r)
	if err != nil {
		panic(err)
	}
	noisy := augment.MixSNR(nil, speech, noise, 10)
	var ps, pn float64
	for i := range speech {
		ps += float64(speech[i]) * float64(speech[i])
		d := float64(noisy[i] - speech[i])
		pn += d * d
	}
	fast := augment.Speed(noisy, 1.1)
	fmt.Printf("SNR %.2f dB; %d samples at speed 1.1 (speaker %q)\n", 10*math.Log10(ps/pn), len(fast), augment.SpeakerPrefix(1.1)+"spk1")
	// Output: SNR 10.00 dB; 14546 samples at speed 1.1 (speaker "sp1.1-spk1")
}

// A G.711 µ-law round trip of one 16-bit sample.
func ExampleMuLawEncode() {
	code := augment.MuLawEncode(1000)
	fmt.Printf("%#02x -> %d\n", code, augment.MuLawDecode(code))
	// Output: 0xce -> 988
}
