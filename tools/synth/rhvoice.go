package synth

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/voxsiam/voxsiam/tools/audio"
)

// RHVoice is the engine of RHVoice-test with an RHVoice voice: statistical
// parametric (HTS) voices each trained on the recordings of one person.
const RHVoice = "rhvoice"

// RHVoiceRoot is where FetchRHVoice put the engine: bin/RHVoice-test,
// lib/ (its shared libraries, for LD_LIBRARY_PATH), data/ (languages/ and
// voices/, for RHVOICE_DATA_PATH) and config/ (RHVOICE_CONFIG_PATH). ""
// until FetchRHVoice (or a test) sets it.
var RHVoiceRoot string

// RHVoiceVoice is one installed RHVoice voice.
type RHVoiceVoice struct {
	Name     string // directory name: "alan", "evgeniy-eng"
	Language string // voice.info language: "English"
	Gender   string // voice.info gender: "male", "female"
	Licence  string // the Debian copyright file's licence of data/voices/<name>/*, else of data/*
	Person   string // base voice: "rhvoice/<person>", or the shared name of a speaker other engines have
}

// Commercial reports whether the voice's licence allows commercial use:
// not for the NC licences and the Talgat licence ("not used commercially").
func (v RHVoiceVoice) Commercial() bool {
	return !strings.Contains(v.Licence, "-NC-") && v.Licence != "Talgat"
}

// rhvoicePerson maps voices of one person to one base voice: slt is CMU
// ARCTIC's slt, already the base cmu-slt of flite and festival;
// aleksandr-hq is a higher-quality aleksandr; evgeniy-eng and evgeniy-rus
// are one speaker's English and Russian voices (by their names and voice.info).
var rhvoicePerson = map[string]string{"slt": "cmu-slt", "aleksandr-hq": "rhvoice/aleksandr",
	"evgeniy-eng": "rhvoice/evgeniy", "evgeniy-rus": "rhvoice/evgeniy"}

// rhvoiceLang is the sentence generator of an RHVoice language.
var rhvoiceLang = map[string]string{"English": "en", "Russian": "ru"}

// ParseRHVoiceInfo reads a voice.info file ("key=value" lines).
func ParseRHVoiceInfo(name string, data []byte) (RHVoiceVoice, error) {
	v := RHVoiceVoice{Name: filepath.Base(filepath.Dir(name))}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, val, _ := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		switch k {
		case "language":
			v.Language = val
		case "gender":
			v.Gender = val
		}
	}
	if v.Language == "" {
		return v, fmt.Errorf("synth: %s: no language= line", name)
	}
	return v, sc.Err()
}

// ParseRHVoiceLicences reads the licence of every voice from the rhvoice
// Debian copyright file (copyright-format 1.0): the License of a
// "Files: data/voices/<name>/*" stanza, and under "" the licence of
// "Files: data/*" that covers the voices without a stanza of their own.
func ParseRHVoiceLicences(data []byte) map[string]string {
	out := map[string]string{}
	files := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "Files: "); ok {
			files = strings.TrimSpace(f)
		} else if l, ok := strings.CutPrefix(line, "License: "); ok && files != "" {
			switch {
			case files == "data/*":
				out[""] = strings.TrimSpace(l)
			case strings.HasPrefix(files, "data/voices/") && strings.HasSuffix(files, "/*"):
				out[strings.TrimSuffix(strings.TrimPrefix(files, "data/voices/"), "/*")] = strings.TrimSpace(l)
			}
			files = ""
		}
	}
	return out
}

// RHVoiceVoices lists the voices under RHVoiceRoot/data/voices with their
// licences (RHVoiceRoot/copyright, the rhvoice package's copyright file).
func RHVoiceVoices() ([]RHVoiceVoice, error) {
	if RHVoiceRoot == "" {
		return nil, fmt.Errorf("synth: RHVoice not prepared (synth.FetchRHVoice)")
	}
	cr, err := os.ReadFile(filepath.Join(RHVoiceRoot, "copyright"))
	if err != nil {
		return nil, fmt.Errorf("synth: rhvoice licences: %w", err)
	}
	lic := ParseRHVoiceLicences(cr)
	out, err := parseFiles(filepath.Join(RHVoiceRoot, "data", "voices", "*", "voice.info"), ParseRHVoiceInfo)
	if err != nil {
		return nil, err
	}
	for i := range out {
		v := &out[i]
		if v.Licence = lic[v.Name]; v.Licence == "" {
			v.Licence = lic[""]
		}
		if v.Person = rhvoicePerson[v.Name]; v.Person == "" {
			v.Person = RHVoice + "/" + v.Name
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("synth: no RHVoice voices under %s", filepath.Join(RHVoiceRoot, "data", "voices"))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RHVoiceBaseVoices makes base voices of the voices whose language has a
// sentence generator (English, Russian), one per person; commercialOnly
// keeps only voices whose licence allows commercial use.
func RHVoiceBaseVoices(vs []RHVoiceVoice, commercialOnly bool) []BaseVoice {
	byPerson := map[string]*BaseVoice{}
	var names []string
	for _, v := range vs {
		lang := rhvoiceLang[v.Language]
		if lang == "" || (commercialOnly && !v.Commercial()) {
			continue
		}
		b := byPerson[v.Person]
		if b == nil {
			b = &BaseVoice{Name: v.Person}
			byPerson[v.Person] = b
			names = append(names, v.Person)
		}
		b.Voices = append(b.Voices, Voice{Engine: RHVoice, Name: v.Name, Lang: lang})
	}
	sort.Strings(names)
	out := make([]BaseVoice, len(names))
	for i, n := range names {
		out[i] = *byPerson[n]
	}
	return out
}

// rhvoiceSpeak runs RHVoice-test once per text (text on stdin, WAV to a
// file in tmp). Pitch and rate are percentages of the voice's own, 100 the
// default (measured: 50 is the floor); the speed is pre-compensated for the
// warp as for espeak-ng.
func rhvoiceSpeak(ctx context.Context, s Speaker, texts []string, tmp string) []clip {
	pitch := strconv.Itoa(int(math.Round(100 * s.Pitch)))
	rate := strconv.Itoa(int(math.Round(100 * s.Speed / s.Warp)))
	lib := filepath.Join(RHVoiceRoot, "lib")
	env := append(os.Environ(), "LD_LIBRARY_PATH="+lib, "RHVOICE_DATA_PATH="+filepath.Join(RHVoiceRoot, "data"),
		"RHVOICE_CONFIG_PATH="+filepath.Join(RHVoiceRoot, "config"))
	out := make([]clip, len(texts))
	for i, t := range texts {
		wav := filepath.Join(tmp, fmt.Sprintf("%04d.wav", i))
		cmd := exec.CommandContext(ctx, filepath.Join(RHVoiceRoot, "bin", "RHVoice-test"), "-p", s.Voice.Name,
			"-t", pitch, "-r", rate, "-o", wav)
		cmd.Env = env
		c := &out[i]
		if _, c.err = run(cmd, t); c.err == nil {
			if c.x, c.rate, c.err = audio.Load(wav); c.err != nil {
				c.err = fmt.Errorf("synth: RHVoice-test -p %s: %w", s.Voice.Name, c.err)
			}
		}
		*c = nonEmpty(*c, "rhvoice voice "+s.Voice.Name, t)
	}
	return out
}
