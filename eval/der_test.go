package eval

import (
	"math"
	"testing"
)

// TestDER checks hand-computed cases following pyannote.metrics'
// definitions (optimal mapping, no collar unless stated).
func TestDER(t *testing.T) {
	ref := []Segment{{"f", 0, 10, "A"}, {"f", 10, 20, "B"}}
	cases := []struct {
		name   string
		hyp    []Segment
		collar float64
		want   DERResult
	}{
		{"perfect with other names", []Segment{{"f", 0, 10, "x"}, {"f", 10, 20, "y"}}, 0, DERResult{Total: 20}},
		{"one speaker for all: 10 s confusion", []Segment{{"f", 0, 20, "x"}}, 0, DERResult{Total: 20, Confusion: 10}},
		{"miss 2 s, false alarm 3 s", []Segment{{"f", 2, 10, "x"}, {"f", 10, 23, "y"}}, 0, DERResult{Total: 20, Missed: 2, FalseAlarm: 3}},
		{"boundary off by 1 s", []Segment{{"f", 0, 11, "x"}, {"f", 11, 20, "y"}}, 0, DERResult{Total: 20, Confusion: 1}},
		{"collar 2 s hides it", []Segment{{"f", 0, 11, "x"}, {"f", 11, 20, "y"}}, 2, DERResult{Total: 16}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := DER(ref, c.hyp, c.collar)
			c.want.DER = (c.want.Missed + c.want.FalseAlarm + c.want.Confusion) / c.want.Total
			for _, p := range [][2]float64{{got.Total, c.want.Total}, {got.Missed, c.want.Missed}, {got.FalseAlarm, c.want.FalseAlarm}, {got.Confusion, c.want.Confusion}, {got.DER, c.want.DER}} {
				if math.Abs(p[0]-p[1]) > 1e-9 {
					t.Fatalf("got %+v, want %+v", got, c.want)
				}
			}
		})
	}
}
