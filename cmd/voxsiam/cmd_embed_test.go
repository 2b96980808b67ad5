package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/audio"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// embedTestCorpus writes a plain corpus (speaker/*.wav): tones of 1.0 s,
// 0.2 s (shorter than one 40-frame segment) and 0.55 s, and a corrupt file.
func embedTestCorpus(t *testing.T) (dir string, wavs map[string]string) {
	dir = filepath.Join(t.TempDir(), "corpus")
	wavs = map[string]string{"a": "spk1/a.wav", "b": "spk1/b.wav", "c": "spk2/c.wav"}
	secs := map[string]float64{"a": 1.0, "b": 0.2, "c": 0.55}
	for id, rel := range wavs {
		x := make([]float32, int(secs[id]*16000))
		for i := range x {
			x[i] = float32(0.3 * math.Sin(float64(i)*0.01*float64(len(id)+int(id[0]))))
		}
		var buf bytes.Buffer
		if err := audio.WriteWAV(&buf, x, 16000); err != nil {
			t.Fatal(err)
		}
		embedWrite(t, filepath.Join(dir, rel), buf.Bytes())
	}
	embedWrite(t, filepath.Join(dir, "spk2", "bad.wav"), []byte("RIFF\x10\x00\x00\x00WAVEjunk"))
	return dir, wavs
}

func embedWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunEmbed: export a run, embed a corpus through the SavedModel, and
// compare each utterance with the reference pipeline run by hand on the
// in-training graph: audio.LoadAt -> feature extractor -> embed.Cut ->
// Train-graph embedding (dropout off) -> mean (max abs diff < 1e-5).
func TestRunEmbed(t *testing.T) {
	run := modeltest.NewRun(t, exportTestSpec)
	model := filepath.Join(t.TempDir(), "model")
	if err := runExport(context.Background(), &exportOptions{Run: run.Dir, Checkpoint: "latest", Out: model}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	corpus, wavs := embedTestCorpus(t)
	out := filepath.Join(t.TempDir(), "emb")
	o := &embedOptions{Model: model, In: []string{corpus}, Out: out, Layout: "auto", Batch: 2, IntraOp: 2, InterOp: 1,
		Format: embed.FormatKaldi, Short: embed.ShortPad, JSON: true, Distributions: true}
	var buf bytes.Buffer
	if err := runEmbed(context.Background(), o, &buf); err != nil {
		t.Fatal(err)
	}
	var sum embed.Summary
	if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Utterances != 3 || len(sum.Skipped) != 1 || sum.Dim != 8 || sum.Segments != 3+1+2 {
		t.Errorf("summary %+v", sum)
	}
	// b (0.2 s, 21 frames) is padded, warned about and counted.
	if sum.PaddedUtterances != 1 || len(sum.Padded) != 1 || sum.Padded[0].Source != filepath.Join(corpus, wavs["b"]) {
		t.Errorf("padded: %d %+v, want %s", sum.PaddedUtterances, sum.Padded, wavs["b"])
	}
	set, err := vecio.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 3 || set.Utt2Spk["spk1/a"] != "spk1" || set.Utt2Spk["spk2/c"] != "spk2" || len(set.Dist) != 3*3 {
		t.Errorf("embeddings dir: ids %v utt2spk %v", set.IDs, set.Utt2Spk)
	}
	ext, err := feature.NewExtractor(run.Features)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range set.IDs {
		rel := wavs[id[len(id)-1:]]
		x, err := audio.LoadAt(filepath.Join(corpus, rel), 16000)
		if err != nil {
			t.Fatal(err)
		}
		fr, n := ext.Compute(nil, x)
		segs, w, k := embed.Cut(fr, n, 16, 40, embed.ShortPad, feature.PartialOverlapLast)
		want := embed.Pool(nil, run.Embed(t, segs, k), w, k, 8, spec.PoolMean)
		d := 0.0
		for j, v := range set.Row(i) {
			d = math.Max(d, math.Abs(float64(v-want[j])))
		}
		t.Logf("%s (%s, %d frames): max abs diff vs training graph %.3g", id, rel, n, d)
		if d > 1e-5 {
			t.Errorf("%s: max abs diff %g > 1e-5", id, d)
		}
	}
	// Text summary: the padded file is warned about; --min-duration 0.3 skips it.
	o.JSON, o.Out = false, filepath.Join(t.TempDir(), "text")
	buf.Reset()
	if err := runEmbed(context.Background(), o, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "warning: padded "+filepath.Join(corpus, wavs["b"])+": 0.200 s of audio (21 frames), shorter than one 40-frame segment") ||
		!strings.Contains(buf.String(), "utterances shorter than one segment, repeat-padded: 1") {
		t.Errorf("text summary without the padding warning:\n%s", buf.String())
	}
	o.JSON, o.MinDuration, o.Out = true, 0.3, filepath.Join(t.TempDir(), "min")
	buf.Reset()
	if err := runEmbed(context.Background(), o, &buf); err != nil {
		t.Fatal(err)
	}
	sum = embed.Summary{}
	if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Utterances != 2 || len(sum.Skipped) != 2 || sum.PaddedUtterances != 0 || sum.Skipped[0].Source != filepath.Join(corpus, wavs["b"]) {
		t.Errorf("--min-duration 0.3: summary %+v", sum)
	}
	o.MinDuration = 0
	o.Strict, o.Out = true, filepath.Join(t.TempDir(), "strict")
	err = runEmbed(context.Background(), o, &buf)
	if !errors.Is(err, errs.ErrBadData) || exitCode(context.Background(), err) != exitData {
		t.Errorf("--strict with a corrupt file: err %v, want bad data (exit 3)", err)
	}
}
