package feature_test

import (
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/tools/feature"
)

// The loudest band of a 440 Hz tone is 18 (librosa agrees: melspectrogram(...)[:, 50].argmax()).
func ExampleExtractor_Compute() {
	e, err := feature.NewExtractor(feature.DefaultConfig())
	if err != nil {
		panic(err)
	}
	x := make([]float32, 16000) // 1 s of a 440 Hz tone at 16 kHz
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/16000))
	}
	frames, n := e.Compute(nil, x)
	loudest := 0
	for m := 0; m < 128; m++ {
		if frames[50*128+m] > frames[50*128+loudest] {
			loudest = m
		}
	}
	fmt.Println(n, "frames of", e.NMels(), "mel bands; loudest band of frame 50:", loudest)
	// Output: 101 frames of 128 mel bands; loudest band of frame 50: 18
}

func ExampleSegments() {
	const nFrames, nMels = 95, 128
	frames := make([]float32, nFrames*nMels)
	for _, partial := range []string{feature.PartialDrop, feature.PartialPad, feature.PartialOverlapLast} {
		_, nSegs := feature.Segments(frames, nFrames, nMels, 40, partial)
		fmt.Println(partial, nSegs)
	}
	// Output:
	// drop 2
	// pad 3
	// overlap-last 3
}

// A flat log-mel frame (1 in every band) has only a 0th cepstral
// coefficient, sqrt(128) with the orthonormal DCT.
func ExampleDCT_MFCC() {
	d, err := feature.NewDCT(128, 20)
	if err != nil {
		panic(err)
	}
	frame := make([]float32, 128)
	for m := range frame {
		frame[m] = 1
	}
	c := d.MFCC(nil, frame, 1)
	fmt.Printf("%d coefficients: c0 %.4f (sqrt(128) = %.4f), |c1| < 1e-6: %v\n",
		len(c), c[0], math.Sqrt(128), math.Abs(float64(c[1])) < 1e-6)
	// Output: 20 coefficients: c0 11.3137 (sqrt(128) = 11.3137), |c1| < 1e-6: true
}
