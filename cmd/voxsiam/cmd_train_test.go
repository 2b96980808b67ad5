package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
	"github.com/voxsiam/voxsiam/train"
)

// trainTestStore writes 8 synthetic speakers (one group each) of 8 mel
// bins, with no feature settings recorded.
func trainTestStore(t *testing.T, dir string) string {
	t.Helper()
	return trainTestStoreWith(t, dir, nil)
}

// trainTestStoreWith is trainTestStore recording fcfg in features.json.
func trainTestStoreWith(t *testing.T, dir string, fcfg any) string {
	t.Helper()
	path := filepath.Join(dir, "feats")
	w, err := store.Create(path, store.Options{NMels: 8, FeatureConfig: fcfg})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for s := 0; s < 8; s++ {
		sp := fmt.Sprintf("s%d", s)
		w.SetGroup(sp, sp)
		for u := 0; u < 2; u++ {
			fr := make([]float32, 30*8)
			for i := range fr {
				fr[i] = float32(s%3) + float32(r.NormFloat64())
			}
			if err := w.Add(store.Utterance{ID: fmt.Sprintf("%s-%d", sp, u), Speaker: sp, Source: "x.wav", Duration: 0.3}, fr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs the app with args and returns stdout and the exit code main would use.
func runCLI(args ...string) (string, int) {
	var out, errw bytes.Buffer
	ctx := context.Background()
	err := newApp(&out, &errw).RunContext(ctx, append([]string{"voxsiam"}, args...))
	if err != nil {
		out.WriteString("error: " + err.Error())
	}
	return out.String(), exitCode(ctx, err)
}

// runCLI3 runs the app with args and returns stdout, stderr as main prints it
// (the command's own notes, then "voxsiam: <error>") and the exit code.
func runCLI3(args ...string) (string, string, int) {
	var so, se bytes.Buffer
	ctx := context.Background()
	err := newApp(&so, &se).RunContext(ctx, append([]string{"voxsiam"}, args...))
	if err != nil {
		fmt.Fprintln(&se, "voxsiam:", err)
	}
	return so.String(), se.String(), exitCode(ctx, err)
}

const tinyTOML = `
[model]
lstm1 = 4
lstm2 = 4
[train]
steps = 100
segment = 10
batch = 8
log_every = 2
val_every = 4
mr_every = 4
checkpoint_every = 4
intra_op_threads = 1
inter_op_threads = 1
[data]
val_fraction = 0.25
val_segments = 16
`

func TestTrainCommand(t *testing.T) {
	dir := t.TempDir()
	feats := trainTestStore(t, dir)
	cfg := filepath.Join(dir, "train.toml")
	os.WriteFile(cfg, []byte(tinyTOML), 0o644)
	run := filepath.Join(dir, "run")
	// --steps on the command line wins over steps = 100 in the file
	out, code := runCLI("train", "--config", cfg, "--data", feats, "--out", run, "--steps", "8", "--lr", "0.01", "--clip-norm", "5", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var sum struct {
		Steps     int64   `json:"steps"`
		FinalLoss float64 `json:"final_loss"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Steps != 8 {
		t.Fatalf("summary %q (%v): want steps 8", out, err)
	}
	eff, _ := os.ReadFile(filepath.Join(run, "config.toml"))
	if !strings.Contains(string(eff), "learning_rate = 0.01") || !strings.Contains(string(eff), "clip_norm = 5.0") || !strings.Contains(string(eff), "steps = 8") {
		t.Errorf("effective config lacks the flag values:\n%s", eff)
	}
	// resume with more steps continues from ckpt-8
	if out, code := runCLI("train", "--resume", run, "--steps", "12", "--json"); code != 0 || !strings.Contains(out, `"resumed_from": 8`) {
		t.Fatalf("resume: exit %d: %s", code, out)
	}
	out, code = runCLI("plot", "--run", run)
	// grad_norm.png: the TensorFlow net's gradient norms reached metrics.jsonl
	if code != 0 || !strings.Contains(out, "loss.png") || !strings.Contains(out, "mr.png") || !strings.Contains(out, "grad_norm.png") {
		t.Fatalf("plot: exit %d: %s", code, out)
	}
}

func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[train]\nbatchsize = 3\n"), 0o644)
	cases := []struct {
		name string
		args []string
		want int
		has  string
	}{
		{"unknown key", []string{"train", "--config", bad, "--data", dir, "--out", dir}, 2, "train.batchsize"},
		{"no data", []string{"train", "--out", dir}, 2, "--data"},
		{"bad sampling", []string{"train", "--data", dir, "--out", dir, "--sampling", "x"}, 2, "sampling"},
		{"resume not a run", []string{"train", "--resume", dir}, 2, "not a run directory"},
		{"spec-prob without SpecAugment", []string{"train", "--data", dir, "--out", dir, "--spec-prob", "0.5"}, 2, "--spec-prob needs SpecAugment"},
		{"spec-prob out of range", []string{"train", "--data", dir, "--out", dir, "--spec-augment", "--spec-prob", "1.5"}, 2, "spec_prob 1.5"},
		{"spec-augment not a bool", []string{"train", "--data", dir, "--out", dir, "--spec-augment=maybe"}, 2, "spec-augment"},
		{"distill without teacher", []string{"train", "--data", dir, "--out", dir, "--distill", "relational"}, 2, "needs a teacher"},
		{"teacher without distill", []string{"train", "--data", dir, "--out", dir, "--teacher", dir}, 2, "distill = \"none\""},
		{"unknown distill form", []string{"train", "--data", dir, "--out", dir, "--teacher", dir, "--distill", "kd"}, 2, "model.distill \"kd\""},
		{"unknown cmn", []string{"train", "--data", dir, "--out", dir, "--cmn", "global"}, 2, `cmn = "global", want one of none, utterance, sliding`},
		{"cmn-window without sliding", []string{"train", "--data", dir, "--out", dir, "--cmn", "utterance", "--cmn-window", "100"}, 2, "--cmn-window needs --cmn sliding"},
		{"cmn with worker input", []string{"train", "--data", dir, "--out", dir, "--cmn", "utterance", "--device", "cpu", "--local-devices", "2", "--worker-store", "same"}, 2, "do not go together"},
		{"plot no metrics", []string{"plot", "--run", dir}, 3, "metrics.jsonl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := runCLI(c.args...)
			if code != c.want || !strings.Contains(out, c.has) {
				t.Errorf("exit %d, output %q; want exit %d naming %q", code, out, c.want, c.has)
			}
		})
	}
}

// TestTrainSpecAugmentFlag: --spec-augment switches on the documented
// defaults (train.DefaultSpecAugment) and --spec-prob changes the
// probability; --spec-augment=false switches off a config file's masks and
// keeps its other spec_* keys. The effective config.toml of a 2-step run
// says what was used.
func TestTrainSpecAugmentFlag(t *testing.T) {
	dir := t.TempDir()
	feats := trainTestStore(t, dir)
	on := filepath.Join(dir, "on.toml")
	os.WriteFile(on, []byte(strings.Replace(tinyTOML, "[train]\n", "[train]\nspec_augment = true\nspec_time_width = 3\n", 1)), 0o644)
	tiny := filepath.Join(dir, "tiny.toml")
	os.WriteFile(tiny, []byte(tinyTOML), 0o644)
	d := train.DefaultSpecAugment()
	cases := []struct {
		name string
		args []string
		want train.SpecAugment
	}{
		{"flag on, prob", []string{"--config", tiny, "--spec-augment", "--spec-prob", "0.25"},
			train.SpecAugment{Enabled: true, Prob: 0.25, TimeMasks: d.TimeMasks, TimeWidth: d.TimeWidth, FreqMasks: d.FreqMasks, FreqWidth: d.FreqWidth}},
		{"config on, flag off", []string{"--config", on, "--spec-augment=false"},
			train.SpecAugment{Enabled: false, Prob: d.Prob, TimeMasks: d.TimeMasks, TimeWidth: 3, FreqMasks: d.FreqMasks, FreqWidth: d.FreqWidth}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := filepath.Join(dir, fmt.Sprintf("run%d", i))
			args := append([]string{"train", "--data", feats, "--out", run, "--steps", "2", "--json"}, c.args...)
			if out, code := runCLI(args...); code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			cfg, err := train.LoadConfig(filepath.Join(run, train.ConfigFile))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Train.SpecAugment; got != c.want {
				t.Errorf("effective SpecAugment %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestTrainTeacherFlags: --teacher, --distill, --pkld-weight 0 and
// --distill-layer reach config.toml (with the teacher's dimension as
// teacher_dim) and a distillation-only run trains and logs distill_loss; a
// teacher lacking a training utterance exits 3 naming it, and
// --teacher-missing skip trains.
func TestTrainTeacherFlags(t *testing.T) {
	dir := t.TempDir()
	feats := trainTestStore(t, dir)
	cfg := filepath.Join(dir, "train.toml")
	os.WriteFile(cfg, []byte(tinyTOML), 0o644)
	var ids []string
	var emb []float32
	for s := 0; s < 8; s++ {
		for u := 0; u < 2; u++ {
			ids = append(ids, fmt.Sprintf("s%d-%d", s, u))
			emb = append(emb, float32(s%5), 1, float32(u), 0.5, float32(s))
		}
	}
	full, partial := filepath.Join(dir, "teacher"), filepath.Join(dir, "teacher-partial")
	if err := vecio.WriteDir(full, ids, emb, 5, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := vecio.WriteDir(partial, ids[1:], emb[5:], 5, vecio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	args := []string{"train", "--config", cfg, "--data", feats, "--steps", "4", "--json", "--distill", "regression", "--pkld-weight", "0", "--distill-layer", "L4"}
	out, code := runCLI(append(args, "--out", run, "--teacher", full)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	eff, _ := os.ReadFile(filepath.Join(run, "config.toml"))
	for _, want := range []string{`distill = "regression"`, "pkld_weight = 0.0", `distill_layer = "L4"`, "teacher_dim = 5", `teacher = "` + full + `"`} {
		if !strings.Contains(string(eff), want) {
			t.Errorf("config.toml lacks %s:\n%s", want, eff)
		}
	}
	if m, _ := os.ReadFile(filepath.Join(run, "metrics.jsonl")); !strings.Contains(string(m), "distill_loss") {
		t.Errorf("metrics.jsonl has no distill_loss:\n%s", m)
	}
	out, code = runCLI(append(args, "--out", filepath.Join(dir, "run2"), "--teacher", partial)...)
	if code != 3 || !strings.Contains(out, partial) || !strings.Contains(out, "s0-0") {
		t.Errorf("teacher without s0-0: exit %d, %s; want 3 naming the teacher and s0-0", code, out)
	}
	if out, code = runCLI(append(args, "--out", filepath.Join(dir, "run3"), "--teacher", partial, "--teacher-missing", "skip")...); code != 0 {
		t.Errorf("--teacher-missing skip: exit %d: %s", code, out)
	}
}
