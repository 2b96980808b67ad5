package train

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// Config is the effective training configuration, read from train.toml,
// overridden by command-line flags and written to <run>/config.toml.
type Config struct {
	Model spec.Config `toml:"model"` // network, loss, optimiser and device (internal/spec; graph builds it)
	Train Options     `toml:"train"` // the loop
	Data  DataConfig  `toml:"data"`  // where segments come from
}

// Options configure the training loop. Step counts are mini-batches.
type Options struct {
	Batch      int    `toml:"batch"`                   // segments per mini-batch; 100 (Stadelmann et al. 2018)
	Steps      int64  `toml:"steps"`                   // total mini-batches; 10000
	Segment    int    `toml:"segment"`                 // frames per segment (10 ms each); 40
	Seed       uint64 `toml:"seed"`                    // seeds weights, batches, dropout and the val split; 1
	Sampling   string `toml:"sampling"`                // "random" (published), "pk" (P speakers x K segments) or "balanced" (half same-speaker pairs)
	PerSpeaker int    `toml:"segments_per_speaker"`    // pk sampling: K segments of each drawn speaker; 4
	Prefetch   int    `toml:"prefetch"`                // batches prepared ahead of the TF step; 4
	LogEvery   int64  `toml:"log_every"`               // steps between loss log lines and metrics rows; 100
	ValEvery   int64  `toml:"val_every"`               // steps between validations (loss, accuracy, EER); 500
	MREvery    int64  `toml:"mr_every"`                // steps between clustering MR validations; 2000
	CkptEvery  int64  `toml:"checkpoint_every"`        // steps between checkpoints; 500
	Keep       int    `toml:"keep"`                    // checkpoints kept besides the best; 5
	BestMetric string `toml:"best_metric"`             // "val_eer" (default), "val_loss", "val_acc" or "val_mr"
	Patience   int    `toml:"early_stopping_patience"` // validations without improvement before stopping; 0 = off
	IntraOp    int    `toml:"intra_op_threads"`        // TF intra-op threads; 0 = TF default
	InterOp    int    `toml:"inter_op_threads"`        // TF inter-op threads; 0 = TF default
	HistEvery  int64  `toml:"histogram_every"`         // steps between embedding-norm histograms; 0 = at validation

	// LocalDevices is the number of towers per process (or per worker task
	// with a cluster), one per local device: GPU:K..K+n-1 with [model]
	// device "/device:GPU:K", CPU:0..n-1 (that many CPU devices) with
	// "/device:CPU:0"; each takes batch/(n x tasks) rows, the loss stays
	// over the whole batch (graph.BuildTowers). 1 (0 means 1): one tower.
	LocalDevices int `toml:"local_devices"`

	// WorkerStore is the feature store's directory as the towers' tasks
	// see it (an absolute path: a copy on every worker, or a shared file
	// system), or "same" for [data] store's own path (made absolute on the
	// chief). When set, and the run has towers (a cluster, or
	// local_devices > 1), the chief feeds each tower the store rows of its
	// segments and the tower's task reads the frames from its own copy
	// (graph.BuildWorkerInputTowers); every copy is checked against the
	// chief's store before the first step (winput.go). "" (default): the
	// chief feeds the frames. One tower in one process reads [data] store
	// and ignores it.
	WorkerStore string `toml:"worker_store"`

	SpecAugment // spec_* keys: time and frequency masks on the fly (specaug.go)
}

// DataConfig names the feature store and the speaker split.
type DataConfig struct {
	Store         string  `toml:"store"`          // feature store directory (tools/store)
	TrainSpeakers string  `toml:"train_speakers"` // speaker list file; "" = all speakers not held out
	ValSpeakers   string  `toml:"val_speakers"`   // speaker list file; "" = hold out ValFraction of groups
	LabelMap      string  `toml:"label_map"`      // speaker<TAB>label file: speakers sharing a label train as one class; "" = every speaker its own
	ClassWeights  string  `toml:"class_weights"`  // class<TAB>weight file: classes drawn in proportion to their weight (unnamed: 1); "" = uniform
	ValFraction   float64 `toml:"val_fraction"`   // fraction of speaker groups held out when no lists; 0.1
	ValUtterances int     `toml:"val_utterances"` // validation utterances per speaker (0 = all); 4
	ValSegments   int     `toml:"val_segments"`   // validation segments for loss/EER/accuracy; 400
}

// DefaultConfig returns the reference configuration of Stadelmann et al.
// (2018) and the ZHAW code (docs/method.md).
func DefaultConfig() Config {
	model := spec.DefaultConfig(0)
	model.Frames, model.Bins = 0, 0 // from train.segment and the store
	return Config{
		Model: model, // Speakers, Frames, Bins are set from the data
		Train: Options{Batch: 100, Steps: 10000, Segment: spec.DefaultSegment, Seed: 1, Sampling: "random", PerSpeaker: 4,
			Prefetch: 4, LogEvery: 100, ValEvery: 500, MREvery: 2000, CkptEvery: 500,
			Keep: 5, BestMetric: "val_eer", LocalDevices: 1, SpecAugment: DefaultSpecAugment()},
		Data: DataConfig{ValFraction: 0.1, ValUtterances: 4, ValSegments: 400},
	}
}

// LoadConfig reads a TOML file over DefaultConfig. Keys the file has that
// Config lacks are an error naming them.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	md, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		return cfg, fmt.Errorf("train: config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return cfg, fmt.Errorf("train: config %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	return cfg, nil
}

// Validate reports the first invalid setting.
func (c *Config) Validate() error {
	t := &c.Train
	switch {
	case t.Batch < 2:
		return fmt.Errorf("train: batch %d: need at least 2 segments for pairs", t.Batch)
	case t.Steps < 1:
		return fmt.Errorf("train: steps %d: must be positive", t.Steps)
	case t.Segment < 1:
		return fmt.Errorf("train: segment %d: must be positive", t.Segment)
	case t.Sampling != "random" && t.Sampling != "balanced" && t.Sampling != "pk":
		return fmt.Errorf("train: sampling %q: want \"random\", \"pk\" or \"balanced\"", t.Sampling)
	case t.Sampling == "pk" && (t.PerSpeaker < 2 || t.PerSpeaker > t.Batch):
		return fmt.Errorf("train: segments_per_speaker %d: want 2..batch (%d) for pk sampling", t.PerSpeaker, t.Batch)
	case t.LogEvery < 1 || t.ValEvery < 0 || t.MREvery < 0 || t.CkptEvery < 1:
		return fmt.Errorf("train: log_every must be >= 1, checkpoint_every >= 1, val_every and mr_every >= 0")
	case t.Keep < 1:
		return fmt.Errorf("train: keep %d: must be at least 1", t.Keep)
	case t.Patience < 0:
		return fmt.Errorf("train: early_stopping_patience %d: must be >= 0", t.Patience)
	case t.LocalDevices < 0:
		return fmt.Errorf("train: local_devices %d: must be >= 1 (0 means 1)", t.LocalDevices)
	case t.LocalDevices > 1 && t.Batch%t.LocalDevices != 0:
		return fmt.Errorf("train: batch %d is not a multiple of local_devices %d (each tower takes an equal share)", t.Batch, t.LocalDevices)
	case t.LocalDevices > 1 && c.Model.Device == "":
		return fmt.Errorf("train: local_devices %d needs [model] device: --device gpu:K for GPUs K..K+%d, or --device cpu for %d CPU devices", t.LocalDevices, t.LocalDevices-1, t.LocalDevices)
	case t.WorkerStore != "" && t.WorkerStore != "same" && !filepath.IsAbs(t.WorkerStore):
		return fmt.Errorf("train: worker_store %q: want the store's absolute path on the workers (a task does not share the chief's working directory), \"same\" for [data] store's path, or \"\" (off)", t.WorkerStore)
	case c.Data.ValFraction < 0 || c.Data.ValFraction >= 1:
		return fmt.Errorf("train: val_fraction %g: want [0, 1)", c.Data.ValFraction)
	}
	if t.LocalDevices > 1 {
		if _, err := graph.TowerDevices("", c.Model.Device, t.LocalDevices); err != nil {
			return fmt.Errorf("train: local_devices %d: %w", t.LocalDevices, err)
		}
	}
	if err := t.SpecAugment.validate(); err != nil {
		return err
	}
	if _, ok := metricDirection[t.BestMetric]; !ok {
		return fmt.Errorf("train: best_metric %q: want val_eer, val_loss, val_acc or val_mr", t.BestMetric)
	}
	if _, err := spec.ParsePrecision("train: model.precision (int8 is for export)", c.Model.Precision, spec.TrainPrecisions); err != nil {
		return err
	}
	if m := c.Model; m.Frames != 0 && m.Frames != t.Segment {
		return fmt.Errorf("train: model.frames %d differs from train.segment %d", m.Frames, t.Segment)
	}
	// The [model] words and ranges (loss, activations, ...) now, not when
	// the graph is built; speakers and bins come from the data later.
	m := c.Model
	m.Speakers, m.Frames = max(m.Speakers, 2), t.Segment
	if m.Bins == 0 {
		m.Bins = 1
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// metricDirection is +1 where larger is better, -1 where smaller is.
var metricDirection = map[string]float64{"val_eer": -1, "val_loss": -1, "val_acc": +1, "val_mr": -1}

// WriteConfig writes cfg as TOML to path atomically (temp file + rename).
func WriteConfig(path string, cfg Config) error {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return fmt.Errorf("train: encode config: %w", err)
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}
