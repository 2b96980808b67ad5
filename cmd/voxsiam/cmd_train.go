package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/train"
)

// trainOptions are the flags of `voxsiam train`; set records which were
// given, since flags override train.toml only where given.
type trainOptions struct {
	Data, Out, Config          string
	TrainSpeakers, ValSpeakers string
	LabelMap, ClassWeights     string
	Resume                     string
	Steps                      int64
	Batch, IntraOp, InterOp    int
	LocalDevices               int
	WorkerStore                string
	PerSpeaker                 int
	Seed                       uint64
	Loss, Sampling, Device     string
	Precision, CMN             string
	CMNWindow                  int
	Margin, LR, ClipNorm       float64
	SpecAugment                bool
	SpecProb                   float64
	Teacher, TeacherMissing    string // distillation (docs/teacher.md)
	Distill, DistillLayer      string
	DistillWeight, PKLDWeight  float64
	JSON                       bool
	set                        map[string]bool
	Dist                       clusterFlags // --cluster (cmd_server.go)
}

func newTrainCommand() *cli.Command {
	o := &trainOptions{}
	cat := "Training"
	def := train.DefaultConfig()
	return &cli.Command{
		Name:      "train",
		Usage:     "train the siamese BLSTM with the pairwise KL loss on a feature store",
		UsageText: "voxsiam train --data <store> --out <run dir> [options]\n   voxsiam train --resume <run dir> [--steps N]",
		Description: "Trains with the reference configuration of Stadelmann et al. (2018) unless a TOML\n" +
			"file (--config) or flags change it; flags win over the file. The run directory gets\n" +
			"config.toml, checkpoints/, metrics.jsonl, events/ (TensorBoard) and summary.json.\n" +
			"Ctrl-C saves a checkpoint; --resume continues it exactly.\n" +
			"--cluster trains on a TensorFlow cluster (TF_CONFIG; see `voxsiam server`): this process is the\n" +
			"chief, one tower per worker task on its share of each mini-batch, the loss over the whole batch.\n" +
			"--local-devices N puts N towers on each process's (or worker's) devices: --device gpu:0 --local-devices 4\n" +
			"trains on GPUs 0-3 of one machine; --device cpu gives N CPU devices (for tests).\n" +
			"--worker-store DIR makes the towers read their segments from the store on their own tasks: the chief\n" +
			"sends each tower the store rows of its segments instead of the frames (not with --spec-augment).\n" + exitStatusHelp,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "feature store `DIR` (voxsiam features)", Category: cat, Destination: &o.Data},
			&cli.StringFlag{Name: "out", Usage: "run `DIR` to create", Category: cat, Destination: &o.Out},
			&cli.StringFlag{Name: "config", Usage: "train.toml `FILE` ([model], [train], [data])", Category: cat, Destination: &o.Config},
			&cli.StringFlag{Name: "resume", Usage: "continue the run in `DIR` from its latest checkpoint", Category: cat, Destination: &o.Resume},
			&cli.StringFlag{Name: "train-speakers", Usage: "training speaker list `FILE` (default: all not held out)", Category: "Data", Destination: &o.TrainSpeakers},
			&cli.StringFlag{Name: "label-map", Usage: "speaker<TAB>label `FILE`: speakers sharing a label train as one class (e.g. copies of one base voice)", Category: "Data", Destination: &o.LabelMap},
			&cli.StringFlag{Name: "class-weights", Usage: "class<TAB>weight `FILE`: draw classes (speakers, or label-map labels) in proportion to their weight; unnamed classes weigh 1", Category: "Data", Destination: &o.ClassWeights},
			&cli.StringFlag{Name: "val-speakers", Usage: "validation speaker list `FILE` (default: 10% of the groups, by seed)", Category: "Data", Destination: &o.ValSpeakers},
			&cli.Int64Flag{Name: "steps", Usage: "mini-batches to train", Value: def.Train.Steps, Category: cat, Destination: &o.Steps},
			&cli.IntFlag{Name: "batch", Usage: "segments per mini-batch", Value: def.Train.Batch, Category: cat, Destination: &o.Batch},
			&cli.Uint64Flag{Name: "seed", Usage: "seed of batches, dropout and the validation split", Value: def.Train.Seed, Category: cat, Destination: &o.Seed},
			&cli.StringFlag{Name: "sampling", Usage: "random (published) | pk (P speakers x K segments, see --segments-per-speaker) | balanced (half same-speaker pairs)", Value: def.Train.Sampling, Category: cat, Destination: &o.Sampling},
			&cli.IntFlag{Name: "segments-per-speaker", Usage: "pk sampling: segments of each drawn speaker (K; P = batch/K)", Value: def.Train.PerSpeaker, Category: cat, Destination: &o.PerSpeaker},
			&cli.StringFlag{Name: "loss", Usage: "pkld (published) | symmetric | seed", Value: def.Model.Loss, Category: "Model", Destination: &o.Loss},
			&cli.StringFlag{Name: "precision", Usage: "fp32 | bf16 (bfloat16 matrix products, float32 master weights, loss and softmax; config [model] precision)", Value: def.Model.Precision, Category: "Model", Destination: &o.Precision},
			&cli.StringFlag{Name: "cmn", Usage: "none (published) | utterance | sliding: subtract each mel bin's mean over the utterance, or over a centred --cmn-window (Kaldi apply-cmvn / apply-cmvn-sliding --center=true); recorded in the model, so embed applies it too ([model] cmn)", Value: def.Model.CMN, Category: "Model", Destination: &o.CMN},
			&cli.IntFlag{Name: "cmn-window", Usage: "frames of the sliding CMN window ([model] cmn_window)", Value: def.Model.CMNWindow, Category: "Model", Destination: &o.CMNWindow},
			&cli.Float64Flag{Name: "margin", Usage: "hinge margin on the KL divergence", Value: def.Model.Margin, Category: "Model", Destination: &o.Margin},
			&cli.Float64Flag{Name: "lr", Usage: "Adam learning rate", Value: def.Model.LearningRate, Category: "Model", Destination: &o.LR},
			&cli.Float64Flag{Name: "clip-norm", Usage: "clip the gradients by their global L2 norm before Adam (tf.clip_by_global_norm); 0 = off, published ([model] clip_norm; the norm is logged as grad_norm either way)", Value: def.Model.ClipNorm, Category: "Model", Destination: &o.ClipNorm},
			&cli.BoolFlag{Name: "spec-augment", Usage: "SpecAugment time and frequency masks on the fly, WeSpeaker's defaults scaled to 40x128 segments ([train] spec_*; --spec-augment=false switches a config's off)", Category: "Augmentation", Destination: &o.SpecAugment},
			&cli.Float64Flag{Name: "spec-prob", Usage: "probability a segment is masked (needs SpecAugment on)", Value: def.Train.Prob, Category: "Augmentation", Destination: &o.SpecProb},
			&cli.StringFlag{Name: "teacher", Usage: "teacher embeddings `DIR` keyed by the store's utterance ids (embed's embeddings.npy + utt.list, or Kaldi embeddings.scp/.ark) for --distill ([train] teacher; docs/teacher.md)", Category: "Distillation", Destination: &o.Teacher},
			&cli.StringFlag{Name: "teacher-missing", Usage: "error | skip: a training utterance without a teacher embedding refuses the run, or trains on PKLD only ([train] teacher_missing)", Value: def.Train.TeacherMissing, Category: "Distillation", Destination: &o.TeacherMissing},
			&cli.StringFlag{Name: "distill", Usage: "none | relational (batch cosine matrices matched) | regression (learned projection to the teacher's embedding) ([model] distill; needs --teacher)", Value: def.Model.Distill, Category: "Distillation", Destination: &o.Distill},
			&cli.Float64Flag{Name: "distill-weight", Usage: "weight of the distillation term ([model] distill_weight)", Value: def.Model.DistillWeight, Category: "Distillation", Destination: &o.DistillWeight},
			&cli.Float64Flag{Name: "pkld-weight", Usage: "weight of the PKLD term with --distill; 0 = distillation only ([model] pkld_weight)", Value: spec.DefaultPKLDWeight, Category: "Distillation", Destination: &o.PKLDWeight},
			&cli.StringFlag{Name: "distill-layer", Usage: "student layer the term reads: L3 (the embedding) .. L7 ([model] distill_layer)", Value: def.Model.DistillLayer, Category: "Distillation", Destination: &o.DistillLayer},
			&cli.StringFlag{Name: "device", Usage: "cpu | gpu:N (default: TensorFlow's placement)", Category: "Runtime", Destination: &o.Device},
			&cli.IntFlag{Name: "intra-op", Usage: "TensorFlow intra-op threads (0 = one per core)", Value: def.Train.IntraOp, Category: "Runtime", Destination: &o.IntraOp},
			&cli.IntFlag{Name: "inter-op", Usage: "TensorFlow inter-op threads (0 = one per core)", Category: "Runtime", Destination: &o.InterOp},
			&cli.IntFlag{Name: "local-devices", Usage: "`N` towers per process (per worker with --cluster), one per device from --device on: gpu:K uses GPUs K..K+N-1, cpu N CPU devices; the batch is split, the loss stays over the whole batch ([train] local_devices)", Value: def.Train.LocalDevices, Category: "Runtime", Destination: &o.LocalDevices},
			&cli.StringFlag{Name: "worker-store", Usage: "the feature store `DIR` as the towers' tasks see it (absolute; \"same\": --data's path): with --cluster or --local-devices N the chief feeds each tower its segments' store rows and the tower reads the frames there, after a check that every copy is the chief's store; \"\" (default): the chief feeds the frames ([train] worker_store)", Category: "Runtime", Destination: &o.WorkerStore},
			&cli.BoolFlag{Name: "json", Usage: "print only a JSON summary at the end", Category: "Output", Destination: &o.JSON},
		}, o.Dist.flags()...),
		Action: func(c *cli.Context) error {
			o.set = map[string]bool{}
			for _, n := range c.FlagNames() {
				if c.IsSet(n) {
					o.set[n] = true
				}
			}
			return runTrain(c.Context, o, c.App.Writer)
		},
	}
}

// runTrain resolves the configuration (defaults < --config or the run's
// config.toml < flags) and trains or resumes.
func runTrain(ctx context.Context, o *trainOptions, w io.Writer) error {
	cfg, err := trainConfig(o)
	if err != nil {
		return err
	}
	out := w
	if o.JSON { // quiet: no progress bar or lines
		out = io.Discard
	}
	co, err := o.Dist.options("train", out)
	if err != nil {
		return err
	}
	run := o.Out
	switch {
	case o.Resume != "" && co != nil:
		run = o.Resume
		err = train.ResumeCluster(ctx, run, &cfg, out, *co)
	case o.Resume != "":
		run = o.Resume
		err = train.Resume(ctx, run, &cfg, out)
	case co != nil:
		err = train.RunCluster(ctx, cfg, run, out, *co)
	default:
		err = train.Run(ctx, cfg, run, out)
	}
	if err != nil {
		return err
	}
	if o.JSON {
		b, err := os.ReadFile(filepath.Join(run, "summary.json"))
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	fmt.Fprintf(w, "run %s: checkpoints in %s\n", run, filepath.Join(run, "checkpoints"))
	return nil
}

// trainConfig builds the effective configuration and checks it.
func trainConfig(o *trainOptions) (train.Config, error) {
	cfg := train.DefaultConfig()
	var err error
	switch {
	case o.Resume != "" && (o.set["out"] || o.set["config"] || o.set["data"]):
		return cfg, usagef("train: --resume takes the run's own config.toml; drop --out, --config and --data")
	case o.Resume != "":
		if cfg, err = train.LoadConfig(filepath.Join(o.Resume, train.ConfigFile)); errors.Is(err, fs.ErrNotExist) {
			return cfg, usagef("train: --resume %s: not a run directory (no config.toml)", o.Resume)
		}
	case o.Config != "":
		cfg, err = train.LoadConfig(o.Config)
	}
	if err != nil {
		return cfg, errs.AsUsage(err)
	}
	if err := o.apply(&cfg); err != nil {
		return cfg, err
	}
	if o.set["spec-prob"] && !cfg.Train.SpecAugment.Enabled {
		return cfg, usagef("train: --spec-prob needs SpecAugment on (--spec-augment or [train] spec_augment = true)")
	}
	if o.set["cmn-window"] && cfg.Model.WithDefaults().CMN != feature.CMNSliding {
		return cfg, usagef("train: --cmn-window needs --cmn sliding (or [model] cmn = \"sliding\")")
	}
	if o.Resume == "" && (cfg.Data.Store == "" || o.Out == "") {
		return cfg, usagef("train: need --data (or [data] store in --config) and --out")
	}
	if err := cfg.Validate(); err != nil {
		return cfg, errs.AsUsage(err)
	}
	winput, err := cfg.WorkerInput(o.Dist.Cluster != "")
	if err != nil {
		return cfg, err
	}
	if o.set["worker-store"] && o.WorkerStore != "" && !winput {
		return cfg, usagef("train: --worker-store needs towers: --cluster, or --local-devices N > 1 (one tower in one process reads --data)")
	}
	return cfg, nil
}

// apply copies the flags that were given onto cfg.
func (o *trainOptions) apply(cfg *train.Config) error {
	s, t, m, d := o.set, &cfg.Train, &cfg.Model, &cfg.Data
	setIf := func(name string, f func()) {
		if s[name] {
			f()
		}
	}
	setIf("data", func() { d.Store = o.Data })
	setIf("train-speakers", func() { d.TrainSpeakers = o.TrainSpeakers })
	setIf("val-speakers", func() { d.ValSpeakers = o.ValSpeakers })
	setIf("label-map", func() { d.LabelMap = o.LabelMap })
	setIf("class-weights", func() { d.ClassWeights = o.ClassWeights })
	setIf("steps", func() { t.Steps = o.Steps })
	setIf("batch", func() { t.Batch = o.Batch })
	setIf("seed", func() { t.Seed = o.Seed })
	setIf("sampling", func() { t.Sampling = o.Sampling })
	setIf("segments-per-speaker", func() { t.PerSpeaker = o.PerSpeaker })
	setIf("intra-op", func() { t.IntraOp = o.IntraOp })
	setIf("inter-op", func() { t.InterOp = o.InterOp })
	setIf("local-devices", func() { t.LocalDevices = o.LocalDevices })
	setIf("worker-store", func() { t.WorkerStore = o.WorkerStore })
	setIf("loss", func() { m.Loss = o.Loss })
	setIf("precision", func() { m.Precision = o.Precision })
	setIf("cmn", func() { m.CMN = o.CMN })
	setIf("cmn-window", func() { m.CMNWindow = o.CMNWindow })
	setIf("margin", func() { m.Margin = o.Margin })
	setIf("lr", func() { m.LearningRate = o.LR })
	setIf("clip-norm", func() { m.ClipNorm = o.ClipNorm })
	setIf("spec-augment", func() { t.SpecAugment.Enabled = o.SpecAugment })
	setIf("spec-prob", func() { t.Prob = o.SpecProb })
	setIf("teacher", func() { t.Teacher = o.Teacher })
	setIf("teacher-missing", func() { t.TeacherMissing = o.TeacherMissing })
	setIf("distill", func() { m.Distill = o.Distill })
	setIf("distill-weight", func() { m.DistillWeight = o.DistillWeight })
	setIf("pkld-weight", func() { w := o.PKLDWeight; m.PKLDWeight = &w })
	setIf("distill-layer", func() { m.DistillLayer = o.DistillLayer })
	var err error
	setIf("device", func() { m.Device, err = spec.DeviceName(o.Device) })
	return err
}
