package diarize

// Windows cuts each speech region into windows of win seconds every hop
// seconds (win >= hop > 0); the last window of a region ends at the
// region's end, and a region shorter than win is one window. Windows are
// what gets embedded; each covers speech only.
func Windows(speech []Region, win, hop float64) []Region {
	if win <= 0 || hop <= 0 || hop > win {
		panic("diarize: Windows wants win >= hop > 0")
	}
	var out []Region
	for _, s := range speech {
		if s.End-s.Start <= win {
			out = append(out, s)
			continue
		}
		t := s.Start
		for ; t+win < s.End; t += hop {
			out = append(out, Region{t, t + win})
		}
		if last := out[len(out)-1]; s.End-last.End > 1e-9 {
			out = append(out, Region{s.End - win, s.End})
		}
	}
	return out
}
