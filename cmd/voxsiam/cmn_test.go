package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// cmnCorpus writes a plain-layout corpus of 8 speakers x 2 utterances of
// 0.6-1.3 s: two harmonics of a speaker's pitch with its own spectral
// tilt and level, plus noise. It returns the root and each file's path
// and samples as audio.Load reads them.
func cmnCorpus(t *testing.T) (root string, paths []string, waves [][]float32) {
	t.Helper()
	root = t.TempDir()
	r := rand.New(rand.NewPCG(5, 9))
	for s := 0; s < 8; s++ {
		for u := 0; u < 2; u++ {
			x := make([]float32, 9600+1800*s+2400*u)
			f0, gain, tilt := 100+25*float64(s), 0.1+0.05*float64(s%4), 0.2+0.1*float64(s%3)
			for i := range x {
				ph := 2 * math.Pi * f0 * float64(i) / 16000
				x[i] = float32(gain*(math.Sin(ph)+tilt*math.Sin(3*ph)) + 0.01*r.NormFloat64())
			}
			var b bytes.Buffer
			if err := audio.WriteWAV(&b, x, 16000); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(root, fmt.Sprintf("s%d", s), fmt.Sprintf("s%d-u%d.wav", s, u))
			writeFile(t, p, b.Bytes())
			y, _, err := audio.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			paths, waves = append(paths, p), append(waves, y)
		}
	}
	return root, paths, waves
}

// TestCMNTrainExportEmbed: a run trained with --cmn sliding --cmn-window
// 30 on a store of audio (validation on 2 speakers, through the same
// normalisation) records the setting in config.toml and, exported, in
// voxsiam.json; `voxsiam embed` of the audio files (no CMN flag: the
// model says) and the export's embed_waveform signature then give the
// same embeddings (cosine >= 0.9999 on every file), and utterance CMN
// does as well.
func TestCMNTrainExportEmbed(t *testing.T) {
	corpus, paths, waves := cmnCorpus(t)
	dir := t.TempDir()
	feats := filepath.Join(dir, "store")
	if out, code := runCLI("features", "--in", corpus, "--out", feats, "--layout", "plain", "--n-mels", "16", "--n-fft", "512"); code != 0 {
		t.Fatalf("features: exit %d: %s", code, out)
	}
	cfg := filepath.Join(dir, "train.toml")
	if err := os.WriteFile(cfg, []byte(tinyTOML), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want []string // in config.toml
		cmn  string
		win  int
	}{
		{"sliding", []string{"--cmn", "sliding", "--cmn-window", "30"}, []string{`cmn = "sliding"`, "cmn_window = 30"}, "sliding", 30},
		{"utterance", []string{"--cmn", "utterance"}, []string{`cmn = "utterance"`}, "utterance", 300},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, model, emb := filepath.Join(dir, "run-"+c.name), filepath.Join(dir, "model-"+c.name), filepath.Join(dir, "emb-"+c.name)
			args := append([]string{"train", "--config", cfg, "--data", feats, "--out", run, "--steps", "4", "--json"}, c.args...)
			if out, code := runCLI(args...); code != 0 {
				t.Fatalf("train: exit %d: %s", code, out)
			}
			toml, _ := os.ReadFile(filepath.Join(run, "config.toml"))
			for _, w := range c.want {
				if !strings.Contains(string(toml), w) {
					t.Errorf("config.toml lacks %s:\n%s", w, toml)
				}
			}
			metrics, _ := os.ReadFile(filepath.Join(run, "metrics.jsonl"))
			if !strings.Contains(string(metrics), "val_eer") {
				t.Errorf("no validation ran (metrics.jsonl lacks val_eer):\n%s", metrics)
			}
			if out, code := runCLI("export", "--run", run, "--out", model, "--no-calibrate"); code != 0 {
				t.Fatalf("export: exit %d: %s", code, out)
			}
			meta, err := spec.ReadMeta(model)
			if err != nil || meta.Model.CMN != c.cmn || meta.Model.CMNWindow != c.win {
				t.Fatalf("voxsiam.json model cmn %+v (%v), want %s window %d", meta, err, c.cmn, c.win)
			}
			if out, code := runCLI(append([]string{"embed", "--model", model, "--out", emb}, inFlags(paths)...)...); code != 0 {
				t.Fatalf("embed: exit %d: %s", code, out)
			}
			set, err := vecio.ReadDir(emb)
			if err != nil {
				t.Fatal(err)
			}
			m, err := embed.LoadModel(model, embed.Options{IntraOp: 2, InterOp: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			got, dim, _, err := m.EmbedWaveform(waves)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.IDs) != len(paths) || dim != set.Dim {
				t.Fatalf("embed wrote %d rows of %d, embed_waveform %d of %d", len(set.IDs), set.Dim, len(got)/max(dim, 1), dim)
			}
			row := map[string]int{}
			for k, id := range set.IDs {
				row[id] = k
			}
			for i, p := range paths {
				id := strings.TrimSuffix(filepath.Base(p), ".wav")
				k, ok := row[id]
				if !ok {
					t.Fatalf("embed wrote no %s: %v", id, set.IDs)
				}
				if c := cosineScore(set.Emb[k*dim:(k+1)*dim], got[i*dim:(i+1)*dim]); c < 0.9999 {
					t.Errorf("%s: cosine(embed, embed_waveform) = %.6f, want >= 0.9999", id, c)
				}
			}
		})
	}
}

// inFlags is --in p for every path.
func inFlags(paths []string) []string {
	var a []string
	for _, p := range paths {
		a = append(a, "--in", p)
	}
	return a
}
