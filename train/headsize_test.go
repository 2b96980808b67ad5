package train

import (
	"bytes"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/spec"
)

// TestHeadWeights checks the head's weight count against the layer sizes
// written out (512·9000 + 9000 + 9000·4500 + 4500 + 4500·900 + 900 at 900
// speakers), and that the note appears past 1 GiB of training state (16
// bytes a weight: 900 speakers, 49M weights, 0.73 GiB, no note; 1,200
// speakers, 87M, 1.3 GiB, a note) and follows [model] dense1/dense2.
func TestHeadWeights(t *testing.T) {
	if got, want := headWeights(spec.Config{Speakers: 900}), int64(512*9000+9000+9000*4500+4500+4500*900+900); got != want {
		t.Errorf("900 speakers: %d weights, want %d", got, want)
	}
	for _, c := range []struct {
		name string
		m    spec.Config
		note bool
	}{
		{"900 speakers", spec.Config{Speakers: 900}, false},
		{"1200 speakers", spec.Config{Speakers: 1200}, true},
		{"6000 speakers, narrow head", spec.Config{Speakers: 6000, Dense1: 2048, Dense2: 1024}, false},
	} {
		var b bytes.Buffer
		noteHeadSize(&b, c.m)
		if got := strings.Contains(b.String(), "dense1 and dense2"); got != c.note {
			t.Errorf("%s: note %q, want one: %v", c.name, b.String(), c.note)
		}
	}
}
