package eval

import (
	"math"
	"sort"
)

// DERResult holds the components of the diarization error rate, in seconds
// of scored reference speech.
type DERResult struct {
	Total      float64 `json:"total"`       // reference speaker time scored
	Missed     float64 `json:"missed"`      // reference speech without enough hypothesis speakers
	FalseAlarm float64 `json:"false_alarm"` // hypothesis speech beyond the reference speakers
	Confusion  float64 `json:"confusion"`   // speech given to the wrong (unmapped) speaker
	DER        float64 `json:"der"`         // (Missed+FalseAlarm+Confusion)/Total
}

// DER compares hypothesis turns with reference turns as pyannote.metrics'
// DiarizationErrorRate does: per file, the timeline is cut at every
// boundary; reference and hypothesis speakers are mapped one-to-one to
// maximise their total co-occurrence (Hungarian algorithm); in each piece
// of duration d with R reference and H hypothesis speakers of which C are
// correctly mapped, missed += d·max(0, R-H), false alarm += d·max(0, H-R),
// confusion += d·(min(R, H) - C). A collar (total width, seconds; 0 scores
// everything) removes collar/2 on each side of every reference boundary.
func DER(ref, hyp []Segment, collar float64) DERResult {
	var r DERResult
	files, refs := byFile(ref)
	_, hyps := byFile(hyp)
	for _, f := range files {
		fileDER(refs[f], hyps[f], collar, &r)
	}
	for f, h := range hyps { // files only in the hypothesis are all false alarm
		if _, ok := refs[f]; !ok {
			fileDER(nil, h, collar, &r)
		}
	}
	if r.Total > 0 {
		r.DER = (r.Missed + r.FalseAlarm + r.Confusion) / r.Total
	}
	return r
}

type piece struct {
	dur      float64
	ref, hyp map[string]bool
}

func fileDER(ref, hyp []Segment, collar float64, r *DERResult) {
	pieces := timeline(ref, hyp, collar)
	refIdx, hypIdx := speakerIndex(ref), speakerIndex(hyp)
	w := make([][]float64, len(refIdx))
	for i := range w {
		w[i] = make([]float64, len(hypIdx))
	}
	for _, p := range pieces {
		for rs := range p.ref {
			for hs := range p.hyp {
				w[refIdx[rs]][hypIdx[hs]] += p.dur
			}
		}
	}
	mapping := map[string]string{}
	names := func(idx map[string]int) []string {
		out := make([]string, len(idx))
		for s, i := range idx {
			out[i] = s
		}
		return out
	}
	refNames, hypNames := names(refIdx), names(hypIdx)
	for i, j := range MaxAssignment(w) {
		if j >= 0 {
			mapping[refNames[i]] = hypNames[j]
		}
	}
	for _, p := range pieces {
		nr, nh, nc := float64(len(p.ref)), float64(len(p.hyp)), 0.0
		for rs := range p.ref {
			if h, ok := mapping[rs]; ok && p.hyp[h] {
				nc++
			}
		}
		r.Total += p.dur * nr
		r.Missed += p.dur * math.Max(0, nr-nh)
		r.FalseAlarm += p.dur * math.Max(0, nh-nr)
		r.Confusion += p.dur * (math.Min(nr, nh) - nc)
	}
}

func speakerIndex(segs []Segment) map[string]int {
	idx := map[string]int{}
	for _, s := range segs {
		if _, ok := idx[s.Speaker]; !ok {
			idx[s.Speaker] = len(idx)
		}
	}
	return idx
}

// timeline cuts the file at every boundary and returns the scored pieces
// with the speakers active in each.
func timeline(ref, hyp []Segment, collar float64) []piece {
	var cuts []float64
	var excl [][2]float64
	for _, s := range ref {
		cuts = append(cuts, s.Start, s.End)
		if collar > 0 {
			for _, b := range []float64{s.Start, s.End} {
				excl = append(excl, [2]float64{b - collar/2, b + collar/2})
				cuts = append(cuts, b-collar/2, b+collar/2)
			}
		}
	}
	for _, s := range hyp {
		cuts = append(cuts, s.Start, s.End)
	}
	sort.Float64s(cuts)
	var out []piece
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		if b <= a || excluded((a+b)/2, excl) {
			continue
		}
		p := piece{dur: b - a, ref: active(ref, a, b), hyp: active(hyp, a, b)}
		if len(p.ref)+len(p.hyp) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func excluded(t float64, excl [][2]float64) bool {
	for _, e := range excl {
		if t > e[0] && t < e[1] {
			return true
		}
	}
	return false
}

// active returns the speakers whose segments cover [a, b].
func active(segs []Segment, a, b float64) map[string]bool {
	m := map[string]bool{}
	for _, s := range segs {
		if s.Start <= a && s.End >= b {
			m[s.Speaker] = true
		}
	}
	return m
}
