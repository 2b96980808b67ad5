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
)

// Mbrola is the engine of espeak-ng driving an MBROLA diphone database
// (espeak-ng's mb-* voices): espeak-ng turns text into phonemes and
// prosody, the mbrola program concatenates diphones cut from recordings of
// one person, so the timbre is a recorded person's.
const Mbrola = "mbrola"

// MbrolaDataDir is the espeak-ng data directory given to espeak-ng --path
// for mbrola voices: a copy (symlinks) of the system espeak-ng-data plus
// mbrola/<db> database files, so no database is installed system-wide
// (PrepareMbrola makes it). MbrolaBinDir holds the mbrola program and is
// put first on espeak-ng's PATH. Both "" until PrepareMbrola runs.
var MbrolaDataDir, MbrolaBinDir string

// EspeakVoiceDir is where espeak-ng's voice definitions live (the mb/
// subdirectory holds the mbrola ones).
var EspeakVoiceDir = "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices"

// PrepareMbrola makes dir/espeak-ng-data from the system espeak-ng data
// (sysData, normally the parent of EspeakVoiceDir) with mbrola/<db>
// linked to each database file dbs[db], and sets MbrolaDataDir to dir and
// MbrolaBinDir to bin (the directory of the mbrola program).
func PrepareMbrola(dir, sysData, bin string, dbs map[string]string) error {
	if _, err := os.Stat(filepath.Join(bin, "mbrola")); err != nil {
		return fmt.Errorf("synth: mbrola program: %w", err)
	}
	data := filepath.Join(dir, "espeak-ng-data")
	if err := os.MkdirAll(filepath.Join(data, "mbrola"), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	entries, err := os.ReadDir(sysData)
	if err != nil {
		return fmt.Errorf("synth: espeak-ng data: %w", err)
	}
	link := func(target, name string) error {
		if cur, err := os.Readlink(name); err == nil && cur == target {
			return nil
		}
		os.Remove(name)
		return os.Symlink(target, name)
	}
	for _, e := range entries {
		if e.Name() == "mbrola" {
			continue
		}
		if err := link(filepath.Join(sysData, e.Name()), filepath.Join(data, e.Name())); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	for db, file := range dbs {
		if st, err := os.Stat(file); err != nil || st.IsDir() {
			return fmt.Errorf("synth: mbrola database %s: %s is not a file (%v)", db, file, err)
		}
		if err := link(file, filepath.Join(data, "mbrola", db)); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	MbrolaDataDir, MbrolaBinDir = dir, bin
	return nil
}

// MbrolaVoiceDef is what an espeak-ng mb-* voice file declares.
type MbrolaVoiceDef struct {
	Name   string // file name: "mb-de1-en"
	Langs  []string
	Gender string // "male", "female"
	DB     string // mbrola database: "de1"
}

// ParseMbrolaVoiceDef reads an espeak-ng voice file's language, gender and
// mbrola lines (espeak-ng docs/voices.md).
func ParseMbrolaVoiceDef(name string, data []byte) (MbrolaVoiceDef, error) {
	v := MbrolaVoiceDef{Name: filepath.Base(name)}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "language":
			v.Langs = append(v.Langs, f[1])
		case "gender":
			v.Gender = f[1]
		case "mbrola":
			v.DB = f[1]
		}
	}
	if v.DB == "" || len(v.Langs) == 0 {
		return v, fmt.Errorf("synth: %s: not an mbrola voice (no mbrola or language line)", name)
	}
	return v, sc.Err()
}

// mbrolaLangs are the sentence languages MBROLA voices read: English only.
// The Hindi (in1, in2) and Telugu (tl1) databases lack diphones that
// espeak-ng asks for on the generated sentences (measured 2026-12-07: about
// 9 "unknown, replaced with _-_" per Hindi and 8 per Telugu sentence, so
// the speech has gaps), and the flood of mbrola warnings makes espeak-ng's
// mbrowrap lose output now and then ("mbrola closed stderr and did not
// exit"): the same corpus came out different in 14 files of those voices.
// The English voices give 0-12 warnings per 20 sentences.
var mbrolaLangs = map[string]bool{"en": true}

// textLang is the sentence language a voice reads (one of mbrolaLangs), or
// "" when it reads none of them.
func (v MbrolaVoiceDef) textLang() string {
	for _, l := range v.Langs {
		base, _, _ := strings.Cut(l, "-")
		if mbrolaLangs[base] {
			return base
		}
	}
	return ""
}

// mbrolaVoices lists the espeak-ng mb-* voices under EspeakVoiceDir/mb whose
// database is in MbrolaDataDir and whose language has a sentence generator
// (English, also through the xx1-en variants). Base voice: "mbrola/<db>".
func mbrolaVoices() ([]Voice, error) {
	if MbrolaDataDir == "" {
		return nil, fmt.Errorf("no mbrola databases prepared (synth.PrepareMbrola)")
	}
	defs, err := readMbrolaVoiceDefs()
	if err != nil {
		return nil, err
	}
	var vs []Voice
	for _, d := range defs {
		if _, err := os.Stat(filepath.Join(MbrolaDataDir, "espeak-ng-data", "mbrola", d.DB)); err != nil {
			continue
		}
		if lang := d.textLang(); lang != "" {
			vs = append(vs, Voice{Engine: Mbrola, Name: d.Name, Lang: lang})
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("no mb-* voice of %s has a prepared database and a sentence language", EspeakVoiceDir)
	}
	return vs, nil
}

// MbrolaBaseVoices groups mbrolaVoices by database: one base voice
// "mbrola/<db>" per recorded person, sorted.
func MbrolaBaseVoices() ([]BaseVoice, error) {
	vs, err := mbrolaVoices()
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	byDB := map[string]*BaseVoice{}
	var names []string
	for _, v := range vs {
		db := mbrolaDB(v.Name)
		b := byDB[db]
		if b == nil {
			b = &BaseVoice{Name: Mbrola + "/" + db}
			byDB[db] = b
			names = append(names, db)
		}
		b.Voices = append(b.Voices, v)
	}
	sort.Strings(names)
	out := make([]BaseVoice, len(names))
	for i, n := range names {
		out[i] = *byDB[n]
	}
	return out, nil
}

// mbrolaDB is the database of an mb-* voice name: "mb-de1-en" -> "de1".
func mbrolaDB(voice string) string {
	db, _, _ := strings.Cut(strings.TrimPrefix(voice, "mb-"), "-")
	return db
}

// mbrolaSpeak runs espeak-ng with an mbrola voice, one process per text,
// with the pitch and speed mapping of espeak (same -p, -s and -a).
func mbrolaSpeak(ctx context.Context, s Speaker, texts []string) []clip {
	p := math.Max(0, math.Min(99, math.Round(50+100*math.Log2(s.Pitch))))
	wpm := math.Round(espeakRate * s.Speed / s.Warp)
	out := make([]clip, len(texts))
	env := append(os.Environ(), "PATH="+MbrolaBinDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for i, t := range texts {
		cmd := exec.CommandContext(ctx, EspeakNG, "--path="+MbrolaDataDir, "-v", s.Voice.Name,
			"-p", strconv.Itoa(int(p)), "-s", strconv.Itoa(int(wpm)), "-a", "60", "--stdout")
		cmd.Env = env
		b, err := run(cmd, t)
		c := &out[i]
		if err == nil {
			if c.x, c.rate, err = parseStreamWAV(b); err != nil {
				err = fmt.Errorf("synth: espeak-ng -v %s (mbrola): %w", s.Voice.Name, err)
			}
		}
		c.err = err
		*c = nonEmpty(*c, "mbrola voice "+s.Voice.Name, t)
	}
	return out
}

// readMbrolaVoiceDefs parses every espeak-ng voice file EspeakVoiceDir/mb/mb-*.
func readMbrolaVoiceDefs() ([]MbrolaVoiceDef, error) {
	return parseFiles(filepath.Join(EspeakVoiceDir, "mb", "mb-*"), ParseMbrolaVoiceDef)
}
