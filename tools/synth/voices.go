package synth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Engine names.
const (
	EspeakNG = "espeak-ng"
	Festival = "festival"
	Flite    = "flite"
)

// AllEngines are the engines Discover tries by default.
var AllEngines = []string{EspeakNG, Festival, Flite}

// Voice is one engine's realisation of a base voice.
type Voice struct {
	Engine string  // EspeakNG, Festival or Flite
	Name   string  // engine voice: "en-us+m3" (espeak-ng), "kal_diphone" (festival), "kal16" (flite)
	F0     float64 // flite: approximate default F0 mean in Hz that the pitch factor scales; 0 otherwise
	Lang   string  // language of the text it reads (one of Languages)
	// FixedRate: festival ignores Duration_Stretch (clunits unit selection
	// keeps the recorded durations), so the speed follows the warp.
	FixedRate bool
}

// BaseVoice is one distinct synthetic voice model; Voices are the engines'
// realisations of it (flite and festival share CMU's kal and slt).
type BaseVoice struct {
	Name   string  // "espeak-ng/en-us+m3", "festival/ked_diphone", "flite/awb", "cmu-kal", "cmu-slt"
	Voices []Voice // at least one
}

// FestivalVoiceDir is where Debian's festvox packages install voices.
var FestivalVoiceDir = "/usr/share/festival/voices"

// nativeScript maps festival voice languages (directory names) that cannot
// read English text to the language of their sentence generator; festival
// reads their UTF-8 text in native script (Devanagari, Telugu, Cyrillic).
var nativeScript = map[string]string{"russian": "ru", "hindi": "hi", "marathi": "mr", "telugu": "te"}

// fixedRate are festival voices whose durations Duration_Stretch does not
// change (measured: msu_ru_nsh_clunits gives the same length at 1.0 and 1.5).
var fixedRate = map[string]bool{"msu_ru_nsh_clunits": true}

// shared maps engine voices of the same recorded speaker to one base voice.
var shared = map[string]string{
	"festival/kal_diphone": "cmu-kal", "flite/kal": "cmu-kal", "flite/kal16": "cmu-kal",
	"festival/cmu_us_slt_arctic_hts": "cmu-slt", "flite/slt": "cmu-slt",
}

// fliteF0 are approximate default F0 means (Hz) of flite's voices.
var fliteF0 = map[string]float64{"kal": 95, "kal16": 95, "awb": 105, "rms": 95, "slt": 160}

// Discover lists the base voices of the installed engines, sorted by name.
// A missing engine or an unusable voice is reported to log and skipped; it
// is an error only when no voice at all is found.
func Discover(ctx context.Context, engines []string, log io.Writer) ([]BaseVoice, error) {
	byName := map[string]*BaseVoice{}
	for _, e := range engines {
		var vs []Voice
		var err error
		switch e {
		case EspeakNG:
			vs, err = espeakVoices(ctx)
		case Festival:
			vs, err = festivalVoices()
		case Flite:
			vs, err = fliteVoices(ctx)
		default:
			return nil, fmt.Errorf("synth: unknown engine %q (known: %s)", e, strings.Join(AllEngines, ", "))
		}
		if err != nil {
			fmt.Fprintf(log, "synth: skipping engine %s: %v\n", e, err)
			continue
		}
		for _, v := range vs {
			name := v.Engine + "/" + v.Name
			if s, ok := shared[name]; ok {
				name = s
			}
			if byName[name] == nil {
				byName[name] = &BaseVoice{Name: name}
			}
			byName[name].Voices = append(byName[name].Voices, v)
		}
	}
	out := make([]BaseVoice, 0, len(byName))
	for _, b := range byName {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil, fmt.Errorf("synth: no voices found for engines %s (Debian packages espeak-ng, festival + festvox-*, flite)", strings.Join(engines, ", "))
	}
	return out, nil
}

// lookPath finds an engine executable with a message naming its package.
func lookPath(exe string) error {
	if _, err := exec.LookPath(exe); err != nil {
		return fmt.Errorf("%s is not installed (Debian package %s)", exe, exe)
	}
	return nil
}

// espeakVoices lists espeak-ng's English accents (eSpeak's own voices, not
// mbrola) and every voice variant applied to en-us.
func espeakVoices(ctx context.Context) ([]Voice, error) {
	if err := lookPath(EspeakNG); err != nil {
		return nil, err
	}
	var vs []Voice
	seen := map[string]bool{}
	for _, arg := range []string{"--voices=en", "--voices=variant"} {
		out, err := exec.CommandContext(ctx, EspeakNG, arg).Output()
		if err != nil {
			return nil, fmt.Errorf("espeak-ng %s: %w", arg, err)
		}
		for _, line := range strings.Split(string(out), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 5 {
				continue
			}
			name := ""
			switch {
			case strings.HasPrefix(f[4], "!v/"):
				name = "en-us+" + strings.TrimPrefix(f[4], "!v/")
			case strings.HasPrefix(f[4], "gmw/") && strings.HasPrefix(f[1], "en"):
				name = f[1]
			}
			if name != "" && !seen[name] {
				seen[name] = true
				vs = append(vs, Voice{Engine: EspeakNG, Name: name, Lang: "en"})
			}
		}
	}
	return vs, nil
}

// festivalVoices lists voice directories (<lang>/<voice>/festvox) under
// FestivalVoiceDir. Voices of nativeScript languages read sentences of
// their own language; all others read English.
func festivalVoices() ([]Voice, error) {
	if err := lookPath(Festival); err != nil {
		return nil, err
	}
	dirs, _ := filepath.Glob(filepath.Join(FestivalVoiceDir, "*", "*", "festvox"))
	var vs []Voice
	for _, d := range dirs {
		voice := filepath.Base(filepath.Dir(d))
		lang := filepath.Base(filepath.Dir(filepath.Dir(d)))
		text := "en"
		if l, ok := nativeScript[lang]; ok {
			text = l
		}
		vs = append(vs, Voice{Engine: Festival, Name: voice, Lang: text, FixedRate: fixedRate[voice]})
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("no usable voices in %s (Debian festvox-* packages)", FestivalVoiceDir)
	}
	return vs, nil
}

// fliteVoices parses `flite -lv`, skipping limited-domain voices (awb_time).
func fliteVoices(ctx context.Context) ([]Voice, error) {
	if err := lookPath(Flite); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, Flite, "-lv").Output()
	if err != nil {
		return nil, fmt.Errorf("flite -lv: %w", err)
	}
	_, list, ok := bytes.Cut(out, []byte(":"))
	if !ok {
		return nil, fmt.Errorf("flite -lv: unexpected output %q", out)
	}
	var vs []Voice
	for _, name := range strings.Fields(string(list)) {
		if strings.HasSuffix(name, "_time") {
			continue
		}
		f0 := fliteF0[name]
		if f0 == 0 {
			f0 = 110
		}
		vs = append(vs, Voice{Engine: Flite, Name: name, F0: f0, Lang: "en"})
	}
	return vs, nil
}
