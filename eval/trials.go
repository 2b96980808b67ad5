package eval

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// Trial is one verification trial.
type Trial struct {
	Enroll, Test string // utterance ids as written in the trial list
	// Target is 1 for a same-speaker trial, 0 for a different-speaker
	// trial and -1 when the list does not say.
	Target int
}

// ReadTrials reads a trial list in one of the formats speaker-verification
// toolkits use, detected per line:
//
//	1 id10270/x6uYqmx31kE/00001.wav id10270/8jEAjG6SegY/00008.wav   (VoxCeleb: label first)
//	utt1 utt2 target|nontarget                                        (Kaldi)
//	utt1 utt2 [score] [target|nontarget|1|0]                          (WeSpeaker score files)
//	utt1 utt2                                                         (unlabelled)
//
// Malformed lines are data errors naming the file and line.
func ReadTrials(file string) ([]Trial, error) {
	var out []Trial
	err := ScanTrials(file, func(t Trial) error {
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ScanTrials reads the trial list file as ReadTrials does, passing each
// trial to fn in file order without keeping them (memory does not grow
// with the list); an error of fn stops the scan and is returned. A list
// without trials is a data error, as for ReadTrials.
func ScanTrials(file string, fn func(Trial) error) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	count := 0
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		t, err := parseTrial(fields)
		if err != nil {
			return errs.BadData("eval: trials %s line %d: %v", file, n, err)
		}
		if err := fn(t); err != nil {
			return err
		}
		count++
	}
	if err := sc.Err(); err != nil {
		return errs.BadData("eval: trials %s: %v", file, err)
	}
	if count == 0 {
		return errs.BadData("eval: trials %s: no trials", file)
	}
	return nil
}

func parseTrial(f []string) (Trial, error) {
	if len(f) == 3 && (f[0] == "0" || f[0] == "1") {
		return Trial{Enroll: f[1], Test: f[2], Target: int(f[0][0] - '0')}, nil
	}
	if len(f) < 2 || len(f) > 4 {
		return Trial{}, fmt.Errorf("want \"label utt1 utt2\" or \"utt1 utt2 [score] [target|nontarget]\", got %d fields", len(f))
	}
	t := Trial{Enroll: f[0], Test: f[1], Target: -1}
	if len(f) == 2 {
		return t, nil
	}
	lab := f[len(f)-1]
	switch lab {
	case "target", "1":
		t.Target = 1
	case "nontarget", "0":
		t.Target = 0
	default:
		if len(f) == 4 {
			return Trial{}, fmt.Errorf("label %q: want target or nontarget", lab)
		}
	}
	return t, nil
}

// Resolver maps the utterance names of trial lists to rows of an
// embeddings set: the name itself, then without a file extension
// (".wav", ".flac"), then with "/" replaced by "-" (Kaldi VoxCeleb ids).
type Resolver map[string]int

// NewResolver indexes ids (row order).
func NewResolver(ids []string) Resolver {
	r := make(Resolver, len(ids))
	for i, id := range ids {
		r[id] = i
	}
	return r
}

// Lookup returns the row of name, or false.
func (r Resolver) Lookup(name string) (int, bool) {
	if i, ok := r[name]; ok {
		return i, true
	}
	base := strings.TrimSuffix(name, path.Ext(name))
	for _, cand := range []string{base, strings.ReplaceAll(base, "/", "-"), strings.ReplaceAll(name, "/", "-")} {
		if i, ok := r[cand]; ok {
			return i, true
		}
	}
	return 0, false
}
