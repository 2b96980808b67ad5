package synth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/tools/realvoice"
)

// rhvoiceRuntime are the packages RHVoice-test needs beyond this machine's
// libraries (measured with ldd on bookworm: glibmm, sigc++, portaudio and
// jack are not installed here).
var rhvoiceRuntime = []string{"rhvoice", "librhvoice-core7", "librhvoice-audio2", "libglibmm-2.4-1v5",
	"libsigc++-2.0-0v5", "libportaudio2", "libjack-jackd2-0"}

// RHVoiceLanguages are the voice packages with a sentence generator.
var RHVoiceLanguages = []string{"rhvoice-english", "rhvoice-russian"}

// FetchRHVoice downloads (private apt state under cache/apt: the packages
// are in non-free) and unpacks the engine, its runtime libraries and the
// language packages langs into cache, nothing installed, and lays out
// RHVoiceRoot = cache/rhvoice-root as symlinks into the unpacked trees.
func FetchRHVoice(ctx context.Context, cache string, langs []string) error {
	unp := realvoice.AptUnpacker{Cache: cache, Apt: &realvoice.PrivateApt{Dir: filepath.Join(cache, "apt")}}
	root := filepath.Join(cache, "rhvoice-root")
	if err := os.RemoveAll(root); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	// what each unpacked package contributes: pattern below its root -> directory of root
	links := []struct{ pattern, dir string }{
		{"usr/bin/RHVoice-test", "bin"}, {"usr/lib/x86_64-linux-gnu/*.so*", "lib"},
		{"etc/RHVoice/*", "config"}, {"usr/share/RHVoice/languages/*", "data/languages"},
		{"usr/share/RHVoice/voices/*", "data/voices"}, {"usr/share/doc/rhvoice/copyright", "."},
	}
	for _, pkg := range append(append([]string{}, rhvoiceRuntime...), langs...) {
		dir, err := unp.Unpack(ctx, pkg)
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		for _, l := range links {
			m, _ := filepath.Glob(filepath.Join(dir, l.pattern))
			for _, f := range m {
				dst := filepath.Join(root, l.dir, filepath.Base(f))
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return fmt.Errorf("synth: %w", err)
				}
				if err := os.Symlink(f, dst); err != nil && !os.IsExist(err) {
					return fmt.Errorf("synth: %w", err)
				}
			}
		}
	}
	RHVoiceRoot = root
	return nil
}

// GenerateRHVoice is Generate with the RHVoice voices of RHVoiceRoot that
// read English or Russian (one base voice per person; commercialOnly keeps
// the voices whose licence allows commercial use). It adds
// rhvoice_voices.tsv (voice, base_voice, language, gender, commercial,
// licence).
func GenerateRHVoice(ctx context.Context, opts Options, commercialOnly bool) (*Result, error) {
	vs, err := RHVoiceVoices()
	if err != nil {
		return nil, err
	}
	bases := RHVoiceBaseVoices(vs, commercialOnly)
	if len(bases) == 0 {
		return nil, fmt.Errorf("synth: no RHVoice voice reads English or Russian (commercial only: %v)", commercialOnly)
	}
	var b bytes.Buffer
	b.WriteString("voice\tbase_voice\tlanguage\tgender\tcommercial\tlicence\n")
	for _, v := range vs {
		if rhvoiceLang[v.Language] != "" && (!commercialOnly || v.Commercial()) {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Name, v.Person, v.Language, v.Gender, yesNo(v.Commercial()), v.Licence)
		}
	}
	return generateWith(ctx, opts, bases, rhvoiceSpeak, "rhvoice_voices.tsv", b.Bytes())
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// generateWith runs generate with the base voices and engine given and
// writes table (the voices' licences) as name in the finished corpus.
func generateWith(ctx context.Context, opts Options, bases []BaseVoice, eng engine, name string, table []byte) (*Result, error) {
	if opts.Speakers <= 0 || opts.Utterances <= 0 {
		return nil, fmt.Errorf("synth: need speakers > 0 and utterances > 0 (got %d, %d)", opts.Speakers, opts.Utterances)
	}
	if _, err := os.Stat(opts.Out); err == nil {
		return nil, fmt.Errorf("synth: %s already exists; remove it or choose another --out", opts.Out)
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	res, err := generate(ctx, opts, bases, eng, log)
	if err != nil {
		return nil, err
	}
	return res, atomicfile.WriteFile(filepath.Join(opts.Out, name), table)
}
