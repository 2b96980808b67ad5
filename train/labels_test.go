package train

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadLabelMap(t *testing.T) {
	p := writeFile(t, "labels.tsv", "speaker\tlabel\n# base voices\ns00\tv1\ns01\tv1\r\n\ns02\tv2\n")
	m, err := ReadLabelMap(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"s00": "v1", "s01": "v1", "s02": "v2"}; !reflect.DeepEqual(m, want) {
		t.Fatalf("map %v, want %v", m, want)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"one column", "s00\n", "line 1"},
		{"three columns", "s00\tv1\tx\n", "line 1"},
		{"empty label", "s00\tv1\ns01\t \n", "line 2"},
		{"repeat", "s00\tv1\ns00\tv2\n", "repeats line 1"},
		{"empty", "# nothing\n", "no entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "bad.tsv", tc.text)
			_, err := ReadLabelMap(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v: want the file name and %q", err, tc.want)
			}
			if !errors.Is(err, errs.ErrBadData) {
				t.Errorf("error %v is not bad data", err)
			}
		})
	}
	if _, err := ReadLabelMap(filepath.Join(t.TempDir(), "missing.tsv")); err == nil || !strings.Contains(err.Error(), "missing.tsv") {
		t.Fatalf("missing file: %v", err)
	}
}

// A label map merges speakers into classes: both speakers of a class are
// drawn under one label, unmapped speakers keep their own, and without a map
// the sampler is the published one (the same batches as NewSampler).
func TestLabelledSampler(t *testing.T) {
	src, speakers := pkTestSource(t, 6)
	label := map[string]string{"s00": "voiceA", "s03": "voiceA", "s01": "voiceB", "s04": "voiceB"}
	o := Options{Batch: 60, Segment: 5, Seed: 7, Sampling: "pk", PerSpeaker: 4}
	s, err := NewLabelledSampler(src, speakers, label, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"s02", "s05", "voiceA", "voiceB"}; !reflect.DeepEqual(s.Speakers(), want) {
		t.Fatalf("classes %v, want %v", s.Speakers(), want)
	}
	classOf := func(sp string) string {
		if l, ok := label[sp]; ok {
			return l
		}
		return sp
	}
	from := map[string]map[string]bool{}
	for step := int64(0); step < 20; step++ {
		var b Batch
		s.Make(step, &b)
		n := 5 * src.nMels
		for j := 0; j < b.Size; j++ {
			u := src.owner(int64(b.X[j*n]) / 1000)
			got := s.Speakers()[b.Labels[j]]
			if classOf(u.Speaker) != got {
				t.Fatalf("step %d segment %d: from %s (class %s) labelled %s", step, j, u.Speaker, classOf(u.Speaker), got)
			}
			if from[got] == nil {
				from[got] = map[string]bool{}
			}
			from[got][u.Speaker] = true
		}
	}
	if len(from["voiceA"]) != 2 || len(from["voiceB"]) != 2 {
		t.Errorf("merged classes drew from %v: want both speakers of each", from)
	}

	plain, err := NewSampler(src, speakers, o)
	if err != nil {
		t.Fatal(err)
	}
	nomap, err := NewLabelledSampler(src, speakers, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var a, b Batch
	plain.Make(4, &a)
	nomap.Make(4, &b)
	if !reflect.DeepEqual(a.X, b.X) || !reflect.DeepEqual(a.Labels, b.Labels) || !reflect.DeepEqual(plain.Speakers(), speakers) {
		t.Fatal("a nil label map changed the batches")
	}
}

func TestReadClassWeights(t *testing.T) {
	p := writeFile(t, "w.tsv", "class\tweight\n# real voices twice\nreal-a\t2\nreal-b 2.5\n")
	m, err := ReadClassWeights(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]float64{"real-a": 2, "real-b": 2.5}; !reflect.DeepEqual(m, want) {
		t.Fatalf("weights %v, want %v", m, want)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"one column", "a\n", "line 1"},
		{"not a number", "a\tx\n", "line 1"},
		{"zero", "a\t1\nb\t0\n", "line 2"},
		{"negative", "a\t-1\n", "line 1"},
		{"infinite", "a\tInf\n", "line 1"},
		{"NaN", "a\tNaN\n", "line 1"},
		{"repeat", "a\t1\na\t2\n", "repeats line 1"},
		{"empty", "class\tweight\n", "no entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "bad.tsv", tc.text)
			_, err := ReadClassWeights(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v: want the file name and %q", err, tc.want)
			}
			if !errors.Is(err, errs.ErrBadData) {
				t.Errorf("error %v is not bad data", err)
			}
		})
	}
}

// Class weights: a class of weight w is drawn w times as often as a class of
// weight 1 (random sampling: every segment; pk: the first class of a batch,
// whose probability in a weighted draw without replacement is w_k / sum w),
// a pk batch still holds P distinct classes, and equal weights leave the
// batches as they were.
func TestSamplerClassWeights(t *testing.T) {
	src, speakers := pkTestSource(t, 4) // s00..s03
	w := map[string]float64{"s00": 3}   // 3/6 against 1/6 for each other class
	const steps = 4000
	for _, sampling := range []string{"random", "pk"} {
		t.Run(sampling, func(t *testing.T) {
			o := Options{Batch: 8, Segment: 5, Seed: 3, Sampling: sampling, PerSpeaker: 4}
			s, err := NewSampler(src, speakers, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetWeights(w, "w.tsv"); err != nil {
				t.Fatal(err)
			}
			count, total := make([]float64, 4), 0.0
			var b Batch
			for step := int64(0); step < steps; step++ {
				s.Make(step, &b)
				if sampling == "pk" {
					if b.Labels[0] == b.Labels[4] {
						t.Fatalf("step %d: class %d drawn twice in a batch of P = 2 of 4 classes", step, b.Labels[0])
					}
					count[b.Labels[0]]++
					total++
					continue
				}
				for _, l := range b.Labels {
					count[l]++
					total++
				}
			}
			for k, want := range []float64{0.5, 1.0 / 6, 1.0 / 6, 1.0 / 6} {
				if got := count[k] / total; math.Abs(got-want) > 0.03 {
					t.Errorf("class %s drawn %.3f of the time, want %.3f", speakers[k], got, want)
				}
			}

			plain, _ := NewSampler(src, speakers, o)
			equal, _ := NewSampler(src, speakers, o)
			if err := equal.SetWeights(map[string]float64{"s00": 2, "s01": 2, "s02": 2, "s03": 2}, "w.tsv"); err != nil {
				t.Fatal(err)
			}
			var a, c Batch
			plain.Make(9, &a)
			equal.Make(9, &c)
			if !reflect.DeepEqual(a.X, c.X) || !reflect.DeepEqual(a.Labels, c.Labels) {
				t.Fatal("equal weights changed the batches")
			}
		})
	}
	s, _ := NewSampler(src, speakers, Options{Batch: 8, Segment: 5, Seed: 3, Sampling: "pk", PerSpeaker: 4})
	if err := s.SetWeights(map[string]float64{"s09": 2}, "w.tsv"); err == nil || !strings.Contains(err.Error(), `"s09"`) || !strings.Contains(err.Error(), "w.tsv") {
		t.Fatalf("unknown class: %v", err)
	}
	s, _ = NewSampler(src, speakers, Options{Batch: 8, Segment: 5, Seed: 3, Sampling: "balanced"})
	if err := s.SetWeights(w, "w.tsv"); !errors.Is(err, errs.ErrUsage) {
		t.Fatalf("balanced sampling with weights: %v, want a usage error", err)
	}
}
