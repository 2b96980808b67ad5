package train

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// randSource is a Source of random frames (a drifting level plus noise),
// rows numbered globally as in a store.
type randSource struct {
	utts   []store.Utterance
	frames []float32 // [rows, nMels]
	nMels  int
}

func newRandSource(nMels int, speakers []string, rows []int64) *randSource {
	s := &randSource{nMels: nMels}
	var first int64
	for _, sp := range speakers {
		for i, n := range rows {
			s.utts = append(s.utts, store.Utterance{ID: sp + "-" + string(rune('a'+i)), Speaker: sp, First: first, Rows: n})
			first += n
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	s.frames = make([]float32, first*int64(nMels))
	for i := range s.frames {
		t := i / nMels
		s.frames[i] = float32(2 + math.Sin(float64(t)/9) + r.NormFloat64())
	}
	return s
}

func (s *randSource) Utterances() []store.Utterance { return s.utts }
func (s *randSource) NMels() int                    { return s.nMels }
func (s *randSource) Crop(dst []float32, u store.Utterance, start, n int) []float32 {
	if start < 0 || int64(start+n) > u.Rows {
		panic("rand: crop out of range")
	}
	if cap(dst) < n*s.nMels {
		dst = make([]float32, n*s.nMels)
	}
	dst = dst[:n*s.nMels]
	copy(dst, s.frames[(u.First+int64(start))*int64(s.nMels):])
	return dst
}

// normalised is u's frames normalised whole by feature.ApplyCMN.
func (s *randSource) normalised(u store.Utterance, mode string, w int) []float32 {
	x := s.Crop(nil, u, 0, int(u.Rows))
	feature.ApplyCMN(x, int(u.Rows), s.nMels, mode, w)
	return x
}

func cmnModel(mode string, w int) spec.Config {
	return spec.Config{Speakers: 2, CMN: mode, CMNWindow: w}
}

// closeTo fails unless got and want agree to 1e-6 (float32 rounding of
// float64 window means summed from different first rows).
func closeTo(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("%s: value %d = %g, whole utterance normalised gives %g", what, i, got[i], want[i])
		}
	}
}

// TestCMNSourceCrops: every crop withCMN reads equals the same rows of
// the whole utterance normalised by feature.ApplyCMN (itself checked
// against Kaldi's formulas), for utterance CMN and sliding windows
// shorter and longer than the utterances, at the start, the middle and the
// end; cmn "none" is the source itself.
func TestCMNSourceCrops(t *testing.T) {
	src := newRandSource(4, []string{"a", "b"}, []int64{12, 45, 130})
	if withCMN(src, cmnModel("", 0)) != Source(src) {
		t.Error("cmn none wraps the source")
	}
	for _, c := range []struct {
		mode string
		w    int
	}{{feature.CMNUtterance, 0}, {feature.CMNSliding, 7}, {feature.CMNSliding, 40}, {feature.CMNSliding, 0}} {
		w := cmnModel(c.mode, c.w).WithDefaults().CMNWindow
		cs := withCMN(src, cmnModel(c.mode, c.w))
		for _, u := range src.Utterances() {
			full := src.normalised(u, c.mode, w)
			rows := int(u.Rows)
			for _, cr := range [][2]int{{0, 10}, {rows/2 - 5, 10}, {rows - 10, 10}, {0, rows}} {
				dst := make([]float32, cr[1]*4)
				cs.Crop(dst, u, cr[0], cr[1]) // into dst's memory, as the sampler uses it
				closeTo(t, c.mode+" "+u.ID, dst, full[cr[0]*4:(cr[0]+cr[1])*4])
			}
		}
	}
}

// TestCMNTrainingAndValidation: with [model] cmn the sampler's segments
// (located by Batch.Rows) and the validation set's segments and whole
// utterances hold normalised frames, those the exported model's embed
// gives the network.
func TestCMNTrainingAndValidation(t *testing.T) {
	src := newRandSource(3, []string{"a", "b", "c"}, []int64{20, 70})
	for _, mode := range []string{feature.CMNUtterance, feature.CMNSliding} {
		const w = 25
		cs := withCMN(src, cmnModel(mode, w))
		o := testOptions(12, "random")
		smp, err := NewSampler(cs, []string{"a", "b", "c"}, o)
		if err != nil {
			t.Fatal(err)
		}
		var b Batch
		smp.Make(3, &b)
		seg := o.Segment * 3
		for j := 0; j < b.Size; j++ {
			u := ownerOf(src, b.Rows[j])
			start := int(b.Rows[j] - u.First)
			closeTo(t, mode+" batch", b.X[j*seg:(j+1)*seg], src.normalised(u, mode, w)[start*3:(start+o.Segment)*3])
		}
		cfg := DefaultConfig()
		cfg.Train, cfg.Data.ValSegments, cfg.Data.ValUtterances = o, 6, 0
		v, err := newValSet(cs, []string{"a", "b"}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var want []float32
		for _, u := range src.Utterances()[:4] { // speakers a and b, by id
			segs, _ := feature.Segments(src.normalised(u, mode, w), int(u.Rows), 3, o.Segment, feature.PartialOverlapLast)
			want = append(want, segs...)
		}
		closeTo(t, mode+" validation utterances", v.uttX, want)
	}
}

func ownerOf(s *randSource, row int64) store.Utterance {
	for _, u := range s.utts {
		if row >= u.First && row < u.First+u.Rows {
			return u
		}
	}
	panic("no owner")
}

// TestResumeKeepsCMN: a resume that asks for another cmn (or, for sliding,
// another window) than the run was trained with is refused before anything
// runs, naming the run's config.toml; the same settings, or a window change
// while cmn is not sliding, pass.
func TestResumeKeepsCMN(t *testing.T) {
	run := t.TempDir()
	base := DefaultConfig()
	base.Model.CMN, base.Model.CMNWindow = feature.CMNSliding, 300
	if err := WriteConfig(filepath.Join(run, ConfigFile), base); err != nil {
		t.Fatal(err)
	}
	noNet := func(Config, *store.Store) (Net, error) { t.Fatal("the net was built"); return nil, nil }
	for _, c := range []struct {
		mode string
		w    int
	}{{feature.CMNNone, 300}, {feature.CMNUtterance, 300}, {feature.CMNSliding, 200}} {
		asked := base
		asked.Model.CMN, asked.Model.CMNWindow = c.mode, c.w
		err := resumeWith(context.Background(), run, &asked, io.Discard, noNet)
		if !errors.Is(err, errs.ErrUsage) || !strings.Contains(err.Error(), filepath.Join(run, ConfigFile)) || !strings.Contains(err.Error(), `"`+c.mode+`"`) {
			t.Errorf("resume with cmn %s/%d over a sliding/300 run: %v, want a usage error naming %s and the mode", c.mode, c.w, err, ConfigFile)
		}
	}
	for _, c := range []struct {
		run, asked spec.Config
	}{
		{cmnModel(feature.CMNSliding, 300), cmnModel(feature.CMNSliding, 300)},
		{cmnModel(feature.CMNUtterance, 300), cmnModel(feature.CMNUtterance, 100)}, // the window means nothing here
		{cmnModel("", 0), cmnModel(feature.CMNNone, 0)},                            // an old run reads as none
	} {
		r, a := base, base
		r.Model, a.Model = c.run, c.asked
		if err := sameInput(r, a, run); err != nil {
			t.Errorf("%+v over %+v: %v", c.asked, c.run, err)
		}
	}
}
