package diarize

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/voxsiam/voxsiam/eval"
)

// signal is silence and 0.5-amplitude 300 Hz tone in the given spans (seconds) at 16 kHz.
func signal(total float64, tone ...Region) []float32 {
	x := make([]float32, int(total*16000))
	for _, r := range tone {
		for i := int(r.Start * 16000); i < int(r.End*16000); i++ {
			x[i] = float32(0.5 * math.Sin(2*math.Pi*300*float64(i)/16000))
		}
	}
	return x
}

// TestSpeech: tone in [1, 2) and [2.1, 3) s of 4 s: the 0.1 s pause is
// filled (shorter than MinGapSec 0.3), so one region from the first frame
// touching the tone (start 0.980 s: a 25 ms frame every 10 ms) to the last
// one's end (3.015 s); a 0.1 s blip is dropped; digital silence has none.
func TestSpeech(t *testing.T) {
	approx := cmpopts.EquateApprox(0, 1e-9)
	got := Speech(signal(4, Region{1, 2}, Region{2.1, 3}), 16000, SpeechOptions{})
	if want := []Region{{0.98, 3.015}}; !cmp.Equal(got, want, approx) {
		t.Errorf("Speech = %v, want %v", got, want)
	}
	got = Speech(signal(4, Region{0.5, 0.6}, Region{2, 3}), 16000, SpeechOptions{})
	if want := []Region{{1.98, 3.015}}; !cmp.Equal(got, want, approx) {
		t.Errorf("with a blip: %v, want %v", got, want)
	}
	if got := Speech(signal(2), 16000, SpeechOptions{}); len(got) != 0 {
		t.Errorf("silence: %v", got)
	}
}

func TestWindows(t *testing.T) {
	for _, c := range []struct {
		name   string
		speech []Region
		want   []Region
	}{
		{"short region is one window", []Region{{0, 1}}, []Region{{0, 1}}},
		{"hop 0.75, last window ends at the end", []Region{{0, 3.2}}, []Region{{0, 1.5}, {0.75, 2.25}, {1.5, 3}, {1.7, 3.2}}},
		{"exact fit", []Region{{1, 4}}, []Region{{1, 2.5}, {1.75, 3.25}, {2.5, 4}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Windows(c.speech, 1.5, 0.75); !cmp.Equal(got, c.want, cmpopts.EquateApprox(0, 1e-9)) {
				t.Errorf("Windows = %v, want %v", got, c.want)
			}
		})
	}
}

// TestTurns: windows [0, 1.5) label 1 and [1.5, 3) label 2 over speech
// [0, 3) and [4, 5) (the second's frames are nearest the second window):
// frames before 1.5 s go to spk1, the rest to spk2, split at the pause.
func TestTurns(t *testing.T) {
	got := Turns("rec", []Region{{0, 3}, {4, 5}}, []Region{{0, 1.5}, {1.5, 3}}, []int{1, 2}, 0.5)
	want := []eval.Segment{{File: "rec", Start: 0, End: 1.5, Speaker: "spk1"}, {File: "rec", Start: 1.5, End: 3, Speaker: "spk2"},
		{File: "rec", Start: 4, End: 5, Speaker: "spk2"}}
	if !cmp.Equal(got, want, cmpopts.EquateApprox(0, 1e-9)) {
		t.Errorf("Turns = %v, want %v", got, want)
	}
}

// TestCluster: two tight groups of directions (cosine distance within a
// group < 0.01, across ~1): two clusters at threshold 0.5, one with
// MaxSpeakers 1, three with Speakers 3.
func TestCluster(t *testing.T) {
	emb := []float32{1, 0.01, 1, 0, 0.99, 0.02, 0, 1, 0.01, 1, 0.02, 0.98}
	count := func(l []int) int {
		k := 0
		for _, v := range l {
			k = max(k, v)
		}
		return k
	}
	l := Cluster(emb, 2, ClusterOptions{Threshold: 0.5})
	if count(l) != 2 || l[0] != l[1] || l[1] != l[2] || l[3] != l[4] || l[3] == l[0] {
		t.Errorf("threshold 0.5: %v, want two groups of three", l)
	}
	if l := Cluster(emb, 2, ClusterOptions{Threshold: 0.5, MaxSpeakers: 1}); count(l) != 1 {
		t.Errorf("MaxSpeakers 1: %v", l)
	}
	if l := Cluster(emb, 2, ClusterOptions{Speakers: 3}); count(l) != 3 {
		t.Errorf("Speakers 3: %v", l)
	}
}
