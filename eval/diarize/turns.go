package diarize

import (
	"fmt"
	"math"

	"github.com/voxsiam/voxsiam/eval"
)

// Turns gives every frame (step seconds) of speech to the speaker label of
// the window whose centre is nearest (windows[i] has labels[i]; one speaker
// per frame, so overlapped speech goes to one of its speakers) and merges
// runs of one speaker into turns of file, speakers named "spk<label>". A
// pause inside a region never separates; turns never cross a pause between
// regions.
func Turns(file string, speech, windows []Region, labels []int, step float64) []eval.Segment {
	if len(windows) != len(labels) {
		panic("diarize: Turns: windows and labels differ in length")
	}
	var out []eval.Segment
	w := 0
	for _, s := range speech {
		for t := s.Start; t < s.End-1e-9; t += step {
			end := math.Min(t+step, s.End)
			mid := (t + end) / 2
			for w+1 < len(windows) && math.Abs(centre(windows[w+1])-mid) <= math.Abs(centre(windows[w])-mid) {
				w++
			}
			if len(windows) == 0 {
				return nil
			}
			spk := fmt.Sprintf("spk%d", labels[w])
			if k := len(out) - 1; k >= 0 && out[k].Speaker == spk && t-out[k].End < step/2 {
				out[k].End = end
				continue
			}
			out = append(out, eval.Segment{File: file, Start: t, End: end, Speaker: spk})
		}
	}
	return out
}

func centre(r Region) float64 { return (r.Start + r.End) / 2 }
