package baseline_test

import (
	"fmt"

	"github.com/voxsiam/voxsiam/tools/baseline"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Two flat frames of 4 bands at 1 and 3: the log-mel block is mean 2 and
// std 1 per band; the only non-zero MFCC is c0 = sqrt(1/4)*4*level, 2 and
// 6, so its mean is 4 and its std 2.
func ExampleEmbedder_Embed() {
	e, err := baseline.NewEmbedder(4, feature.KindLogMel, baseline.Options{NCeps: 2})
	if err != nil {
		panic(err)
	}
	frames := []float32{
		1, 1, 1, 1,
		3, 3, 3, 3,
	}
	v, kept := e.Embed(nil, frames, 2)
	fmt.Println(e.Dim(), "values over", kept, "frames")
	fmt.Printf("logmel mean %.4g std %.4g | mfcc mean %.4g std %.4g\n", v[0:4], v[4:8], v[8:10], v[10:12])
	// Output:
	// 12 values over 2 frames
	// logmel mean [2 2 2 2] std [1 1 1 1] | mfcc mean [4 0] std [2 0]
}
