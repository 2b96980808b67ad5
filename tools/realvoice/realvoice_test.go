package realvoice

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/testenv"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// tone returns WAV bytes of a sine of freq Hz, amplitude 0.5, at rate.
func tone(t *testing.T, freq float64, rate int, secs float64) []byte {
	t.Helper()
	x := make([]float32, int(secs*float64(rate)))
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, x, rate); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeUnpacker serves prepared package trees.
type fakeUnpacker map[string]string

func (f fakeUnpacker) Unpack(_ context.Context, pkg string) (string, error) {
	if r, ok := f[pkg]; ok {
		return r, nil
	}
	return "", errors.New("no such package")
}

// wavConverter decodes WAV with tools/audio and writes 16 kHz WAV; it counts calls.
type wavConverter struct{ converts, probes atomic.Int64 }

func (c *wavConverter) Convert(_ context.Context, data []byte, name, out string) (int, error) {
	c.converts.Add(1)
	x, rate, err := audio.Decode(bytes.NewReader(data), name)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return rate, audio.WriteWAV(f, audio.Resample(x, rate, 16000), 16000)
}

func (c *wavConverter) Probe(_ context.Context, data []byte, name string) (int, error) {
	c.probes.Add(1)
	_, rate, err := audio.Decode(bytes.NewReader(data), name)
	return rate, err
}

// fixtureTrees lays out small package trees shaped like the real ones.
func fixtureTrees(t *testing.T) fakeUnpacker {
	t.Helper()
	d := t.TempDir()
	a, b, c := tone(t, 220, 44100, 0.5), tone(t, 330, 22050, 0.6), tone(t, 440, 8000, 0.4)
	kt := filepath.Join(d, "kt/usr/share/ktuberling/sounds")
	write(t, filepath.Join(kt, "fr/ballon.wav"), a)
	write(t, filepath.Join(kt, "fr/nez.wav"), c)
	write(t, filepath.Join(kt, "sr/lopta.wav"), b)
	write(t, filepath.Join(kt, "sr@latin/lopta.wav"), b) // byte-identical copy
	write(t, filepath.Join(kt, "fr.soundtheme"), []byte("<language/>"))
	kl := filepath.Join(d, "kl/usr/share/klettres")
	write(t, filepath.Join(kl, "fr/alpha/A.wav"), tone(t, 500, 44100, 0.3))
	write(t, filepath.Join(kl, "en_GB/syllab/ba.wav"), tone(t, 550, 44100, 0.3))
	write(t, filepath.Join(kl, "icons/x.wav"), tone(t, 600, 44100, 0.3)) // not speech: no alpha/syllab
	gc := filepath.Join(d, "gc/usr/share/gcin-voice/ogg")
	write(t, filepath.Join(gc, "ㄅㄚ/3.wav"), tone(t, 700, 44100, 0.3)) // .wav stands in for .ogg
	hw := filepath.Join(d, "hw/usr/share/games/hedgewars/Data/Sounds/voices")
	write(t, filepath.Join(hw, "Pirate/Hello.wav"), tone(t, 800, 44100, 0.3))
	write(t, filepath.Join(hw, "Robot/Hello.wav"), tone(t, 900, 44100, 0.3)) // processed voice: left out
	return fakeUnpacker{"ktuberling-data": filepath.Join(d, "kt"), "klettres-data": filepath.Join(d, "kl"),
		"gcin-voice": filepath.Join(d, "gc"), "hedgewars-data": filepath.Join(d, "hw")}
}

func TestBuildLayoutAndResume(t *testing.T) {
	unp := fixtureTrees(t)
	// gcin's rule wants 3.ogg/5.ogg; the fixture has WAV, so it finds nothing
	// and the build says so: check that, then build the rest.
	out := filepath.Join(t.TempDir(), "real")
	conv := &wavConverter{}
	_, err := Build(context.Background(), Options{Out: out, Sources: []string{"gcin"}, Unpacker: unp, Converter: conv})
	if !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), "no recordings") {
		t.Fatalf("gcin without 3.ogg/5.ogg: err %v, want bad data naming no recordings", err)
	}
	srcs := []string{"ktuberling", "klettres", "hedgewars"}
	res, err := Build(context.Background(), Options{Out: out, Sources: srcs, Unpacker: unp, Converter: conv})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Speakers {
		got = append(got, s.ID+"/"+s.Group)
	}
	want := []string{"hedgewars-Pirate/hedgewars", "klettres-en_GB/kde-en", "klettres-fr/kde-fr",
		"ktuberling-fr/kde-fr", "ktuberling-sr/kde-sr"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("speakers/groups (-want +got):\n%s", d)
	}
	if res.Duplicates != 1 || res.Utterances != 6 || conv.converts.Load() != 6 {
		t.Errorf("duplicates %d utterances %d converts %d, want 1, 6, 6", res.Duplicates, res.Utterances, conv.converts.Load())
	}
	for _, f := range []string{"ktuberling-fr/fr_ballon.wav", "ktuberling-sr/sr_lopta.wav", "hedgewars-Pirate/Pirate_Hello.wav"} {
		x, rate, err := audio.Load(filepath.Join(out, f))
		if err != nil || rate != 16000 || len(x) == 0 {
			t.Errorf("%s: %d samples at %d Hz, err %v", f, len(x), rate, err)
		}
	}
	tsv, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
	if !strings.Contains(string(tsv), "ktuberling-fr\tkde-fr\tktuberling\tktuberling-data\t2\t") ||
		!strings.Contains(string(tsv), "\t8000,44100\t") {
		t.Errorf("speakers.tsv lacks the fr row with 2 files and rates 8000,44100:\n%s", tsv)
	}
	// resume: nothing is converted again, the tables are the same
	conv2 := &wavConverter{}
	if _, err := Build(context.Background(), Options{Out: out, Sources: srcs, Unpacker: unp, Converter: conv2}); err != nil {
		t.Fatal(err)
	}
	tsv2, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
	if conv2.converts.Load() != 0 || conv2.probes.Load() != 6 || string(tsv2) != string(tsv) {
		t.Errorf("resume: %d converts, %d probes (want 0, 6); speakers.tsv changed: %v", conv2.converts.Load(), conv2.probes.Load(), string(tsv2) != string(tsv))
	}
}

func TestBuildBadRecording(t *testing.T) {
	unp := fixtureTrees(t)
	bad := filepath.Join(unp["hedgewars-data"], "usr/share/games/hedgewars/Data/Sounds/voices/Pirate/Broken.wav")
	write(t, bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	out := filepath.Join(t.TempDir(), "real")
	res, err := Build(context.Background(), Options{Out: out, Sources: []string{"hedgewars"}, Unpacker: unp, Converter: &wavConverter{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "Broken.wav") || res.Utterances != 1 {
		t.Errorf("skipped %q, utterances %d: want the broken file named and 1 utterance kept", res.Skipped, res.Utterances)
	}
	_, err = Build(context.Background(), Options{Out: t.TempDir(), Sources: []string{"hedgewars"}, Unpacker: unp,
		Converter: &wavConverter{}, Strict: true})
	if !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), "Broken.wav") {
		t.Errorf("strict: err %v, want bad data naming Broken.wav", err)
	}
}

func TestReserved(t *testing.T) {
	for _, p := range []string{"asterisk-core-sounds-en-gsm", "asterisk-prompt-de", "fillets-ng-data", "fillets-ng-data-cs", "tuxpaint-stamps-default"} {
		if !IsReserved(p) {
			t.Errorf("%s not reserved", p)
		}
		if _, err := (AptUnpacker{Cache: t.TempDir()}).Unpack(context.Background(), p); err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Errorf("Unpack(%s): err %v, want a refusal", p, err)
		}
	}
	for _, s := range Sources {
		if IsReserved(s.Package) {
			t.Errorf("source %s uses reserved package %s", s.Name, s.Package)
		}
	}
}

func TestZeroADItems(t *testing.T) {
	root := t.TempDir()
	zp := filepath.Join(root, "usr/share/games/0ad/mods/public/public.zip")
	if err := os.MkdirAll(filepath.Dir(zp), 0o755); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(zp)
	zw := zip.NewWriter(f)
	for _, n := range []string{"audio/voice/greek/civ/civ_male_attack_1.ogg", "audio/voice/greek/civ/civ_female_build_2.ogg",
		"audio/voice/greek/civ/civ_male_attack.xml", "audio/voice/global/civ_dog_bark.ogg", "art/x.ogg"} {
		w, _ := zw.Create(n)
		w.Write([]byte(n))
	}
	zw.Close()
	f.Close()
	items, closeFn, err := zeroADItems(root)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	var got []string
	for _, it := range items {
		data, err := readItem(it)
		if err != nil || string(data) != it.Entry {
			t.Fatalf("read %s: %q, %v", it.Entry, data, err)
		}
		got = append(got, it.Speaker+" "+it.Utt)
	}
	want := []string{"0ad-greek-female civ_female_build_2", "0ad-greek-male civ_male_attack_1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("0ad items (-want +got):\n%s", d)
	}
}

// TestSoxConversion checks the sox path on a 44.1 kHz stereo tone: 16 kHz
// mono out, the tone's frequency kept (zero crossings) and its level kept
// (RMS of a 0.5 sine, 0.354, within 1%), the original rate reported.
func TestSoxConversion(t *testing.T) {
	testenv.Require(t, "sox")
	in := filepath.Join(t.TempDir(), "in.wav")
	cmd := exec.Command("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", in, "synth", "1", "sine", "1000", "vol", "0.5")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sox synth: %v %s", err, msg)
	}
	data, _ := os.ReadFile(in)
	out := filepath.Join(t.TempDir(), "out.wav")
	rate, err := Sox{}.Convert(context.Background(), data, "in.wav", out)
	if err != nil || rate != 44100 {
		t.Fatalf("rate %d err %v", rate, err)
	}
	x, r, err := audio.Load(out)
	if err != nil || r != 16000 || math.Abs(float64(len(x))-16000) > 2 {
		t.Fatalf("%d samples at %d Hz, err %v", len(x), r, err)
	}
	var sq float64
	cross := 0
	for i := 1000; i < 15000; i++ {
		sq += float64(x[i]) * float64(x[i])
		if (x[i-1] < 0) != (x[i] < 0) {
			cross++
		}
	}
	rms := math.Sqrt(sq / 14000)
	if math.Abs(rms-0.5/math.Sqrt2) > 0.0035 {
		t.Errorf("rms %.4f, want %.4f", rms, 0.5/math.Sqrt2)
	}
	if f := float64(cross) / 2 / (14000.0 / 16000); math.Abs(f-1000) > 2 {
		t.Errorf("frequency %.1f Hz from zero crossings, want 1000", f)
	}
	if _, err := (Sox{}).Convert(context.Background(), []byte("not audio"), "x.ogg", out); err == nil {
		t.Error("sox accepted garbage")
	}
}

// TestBuildWorkersDeterministic: one worker and four give the same corpus tables.
func TestBuildWorkersDeterministic(t *testing.T) {
	unp := fixtureTrees(t)
	var tables []string
	for _, w := range []int{1, 4} {
		out := filepath.Join(t.TempDir(), "real")
		if _, err := Build(context.Background(), Options{Out: out, Sources: []string{"ktuberling", "klettres", "hedgewars"},
			Unpacker: unp, Converter: &wavConverter{}, Workers: w}); err != nil {
			t.Fatal(err)
		}
		sp, _ := os.ReadFile(filepath.Join(out, "speakers.tsv"))
		ut, _ := os.ReadFile(filepath.Join(out, "utterances.tsv"))
		tables = append(tables, strings.ReplaceAll(string(sp)+string(ut), out, ""))
	}
	if tables[0] != tables[1] {
		t.Errorf("1 worker and 4 workers differ:\n%s\n---\n%s", tables[0], tables[1])
	}
}
