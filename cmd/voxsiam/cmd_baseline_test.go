package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/baseline"
)

// baselineCorpus writes a plain corpus of 6 speakers x 4 utterances of
// 0.6 s: harmonic tones whose pitch and spectral tilt are the speaker's,
// varied a little per utterance.
func baselineCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	for s := 0; s < 6; s++ {
		for u := 0; u < 4; u++ {
			f0 := 90 + 35*float64(s) + 3*float64(u)
			x := make([]float32, 9600)
			for i := range x {
				tt := float64(i) / 16000
				var v float64
				for h := 1; h <= 12; h++ {
					v += math.Sin(2*math.Pi*float64(h)*f0*tt) / math.Pow(float64(h), 0.5+0.2*float64(s))
				}
				x[i] = float32(0.15 * v * (0.7 + 0.3*math.Sin(2*math.Pi*(3+float64(u))*tt)))
			}
			var buf bytes.Buffer
			if err := audio.WriteWAV(&buf, x, 16000); err != nil {
				t.Fatal(err)
			}
			embedWrite(t, filepath.Join(dir, fmt.Sprintf("spk%d", s), fmt.Sprintf("u%d.wav", u)), buf.Bytes())
		}
	}
	return dir
}

// TestBaselineEvalCLI runs the flow docs/cli/evaluation.md#baseline documents through the app:
// features, split with ZHAW stores, baseline embeddings of the test and
// validation stores, and eval with the validation embeddings as --dev.
func TestBaselineEvalCLI(t *testing.T) {
	corpus := baselineCorpus(t)
	root := t.TempDir()
	run := runCLI3
	must := func(args ...string) string {
		t.Helper()
		so, se, code := run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, so, se)
		}
		return so
	}
	st, splits := filepath.Join(root, "store"), filepath.Join(root, "splits")
	must("features", "--layout", "plain", "--in", corpus, "--out", st)
	must("split", "--store", st, "--out", splits, "--val", "2", "--test", "3", "--seed", "1", "--zhaw")
	test, dev := filepath.Join(root, "bl-test"), filepath.Join(root, "bl-dev")
	so := must("baseline", "--in", filepath.Join(splits, "test-zhaw"), "--out", test, "--json")
	var sum baseline.Summary
	if err := json.Unmarshal([]byte(so), &sum); err != nil {
		t.Fatalf("--json: %v\n%s", err, so)
	}
	if sum.Utterances != 6 || sum.Dim != 296 || sum.Features != "logmel" || sum.NMels != 128 || sum.Frames != sum.FramesKept ||
		len(sum.Skipped) != 0 || math.Abs(sum.AudioSeconds-6*2*0.6) > 1e-6 || sum.Options.NCeps != 20 || sum.Options.CMN || sum.Options.VAD {
		t.Errorf("summary %+v", sum)
	}
	if so = must("baseline", "--in", filepath.Join(splits, "val-zhaw"), "--out", dev, "--vad", "--cmn", "--mfcc", "13"); !strings.Contains(so, "4 utterances") || !strings.Contains(so, "282-d vectors") {
		t.Errorf("text output: %s", so)
	}
	set, err := vecio.ReadDir(test)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 6 || !strings.HasSuffix(set.IDs[0], "/zhaw-1") || len(set.Utt2Spk) != 6 {
		t.Errorf("embeddings: %v, utt2spk %v", set.IDs, set.Utt2Spk)
	}
	// dev embeddings must have the same dimension for thresholds: embed dev with the defaults
	must("baseline", "--in", filepath.Join(splits, "val-zhaw"), "--out", dev)
	so = must("eval", "--embeddings", test, "--dev", dev, "--out", filepath.Join(root, "report"))
	for _, want := range []string{"true_speakers", "dev_threshold", "EER", "dev_eer"} {
		if !strings.Contains(so, want) {
			t.Errorf("eval output lacks %q:\n%s", want, so)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "report", "report.json")); err != nil {
		t.Error(err)
	}
}

// TestBaselineCLIErrors: usage errors exit 2, bad data exits 3 naming the file.
func TestBaselineCLIErrors(t *testing.T) {
	corpus, _ := embedTestCorpus(t)
	out := filepath.Join(t.TempDir(), "emb")
	bad := filepath.Join(corpus, "spk2", "bad.wav")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--in", corpus}, exitUsage, "--out"},
		{[]string{"--in", corpus, "--out", out, "--mfcc", "0"}, exitUsage, "--mfcc"},
		{[]string{"--in", corpus, "--out", out, "--mfcc", "129"}, exitUsage, "128 mel bands"},
		{[]string{"--in", corpus, "--out", out, "--format", "text"}, exitUsage, "--format"},
		{[]string{"--in", corpus, "--out", out, "--vad-db", "-1"}, exitUsage, "--vad-db"},
		{[]string{"--in", corpus, "--out", out, "--strict"}, exitData, bad},
		{[]string{"--in", bad, "--out", out}, exitData, "no utterance"},
	} {
		var so, se bytes.Buffer
		err := newApp(&so, &se).RunContext(context.Background(), append([]string{"voxsiam", "baseline"}, c.args...))
		if code := exitCode(context.Background(), err); code != c.code || err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: exit %d (%v), want %d mentioning %q", c.args, code, err, c.code, c.msg)
		}
	}
	var so, se bytes.Buffer
	if err := runBaseline(context.Background(), &baselineOptions{In: []string{corpus}, Out: out, Layout: "auto", Format: "kaldi", JSON: false,
		Options: baseline.Options{NCeps: 20, VADThresholdDB: 30}, Stderr: &se}, &so); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(se.String(), "warning: skipped "+bad) {
		t.Errorf("stderr does not name the skipped file:\n%s", se.String())
	}
	if strings.Contains(so.String(), "warning") {
		t.Errorf("warnings on stdout, mixed with the results:\n%s", so.String())
	}
	if _, err := os.Stat(filepath.Join(out, vecio.ScpFile)); err != nil {
		t.Errorf("--format kaldi: %v", err)
	}
}
