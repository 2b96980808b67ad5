package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// Mode selects what Build adds on top of the network.
type Mode int

const (
	// Train adds labels, pair inputs, the loss, gradients, Adam and global_step.
	Train Mode = iota
	// Inference adds a second input sharing the weights and the pair distance.
	Inference
)

// Model is a built graph and handles to its named inputs and outputs.
type Model struct {
	Config Config    // effective configuration (defaults applied)
	Graph  *tf.Graph // the graph; run it with NewSession

	Input       tf.Output // "spectrogram" [batch, Frames, Bins] float32 (float64 with DType "float64")
	Labels      tf.Output // "labels" [batch] int32 speaker index (Train)
	Training    tf.Output // "training" bool scalar, PlaceholderWithDefault(false): dropout on when true (Train mode; Inference graphs have no dropout)
	DropoutSeed tf.Output // "dropout_seed" [2] int64 PlaceholderWithDefault([0 0]): feed [seed, step]

	PairI, PairJ tf.Output // "pair_i", "pair_j" [P] int32 indices into the batch (Train, seed loss)
	PairSame     tf.Output // "pair_same" [P] float32, 1 = same speaker (Train, seed loss)

	Layers       map[string]tf.Output // "L1".."L7", "distribution" of the Input tower (see tower)
	Embedding    tf.Output            // Identity "embedding" of Layers[Config.EmbeddingLayer]
	Distribution tf.Output            // Identity "distribution" [batch, S]

	// BuildWorkerInputTowers: tower i's "towers/tower<i>/rows" [b_i]
	// int64 placeholder (the store rows of its segments, fed instead of
	// "spectrogram") and "towers/tower<i>/input" [b_i, Frames, Bins], the
	// frames read from them (feed it to run the tower on given frames).
	// nil in other graphs.
	TowerRows, TowerInputs []tf.Output

	InputB       tf.Output // Inference: "spectrogram_b", same shape as Input
	PairDistance tf.Output // Inference: "pair_distance" [batch] = KL(pa||pb)+KL(pb||pa) row by row

	// BuildServing only (waveform.go), zero elsewhere:
	Waveform          tf.Output // "waveform" [batch, samples] float32 at the features' sample rate, [-1, 1]
	Lengths           tf.Output // "lengths" [batch] int32 samples per row (padded batches)
	WaveformEmbedding tf.Output // "waveform_embedding" [batch, D]: the mean of each utterance's segment embeddings
	WaveformSegments  tf.Output // "waveform_segments" [batch] int32: the segments behind each row (0: no audio left)

	// Teacher and TeacherMask are the distillation inputs (Train with
	// Config.Distill not "none", distill.go): "teacher" [batch,
	// TeacherDim] and "teacher_mask" [batch], model dtype.
	Teacher, TeacherMask tf.Output

	Loss        tf.Output // Train: "loss" scalar: PKLDWeight*"loss_pkld" + DistillWeight*"loss_distill" with distillation
	PKLDLoss    tf.Output // Train: "loss_pkld" scalar, the Config.Loss term (nil Op with pkld_weight 0)
	DistillLoss tf.Output // Train: "loss_distill" scalar, the distillation term (nil Op without distillation)
	GradNorm    tf.Output // Train: "grad_norm" scalar, the global L2 norm of the gradients before clipping (Config.ClipNorm)
	GlobalStep  tf.Output // Train: global_step ReadVariableOp, int64 scalar; fetch it in a run without "train" (unordered w.r.t. the increment)

	Init    *tf.Operation // "init": runs every initialiser
	TrainOp *tf.Operation // Train: "train": one Adam step and global_step += 1

	Vars []Var // every variable: model weights (Trainable), then beta1_power, beta2_power, global_step, Adam slots

	grads   map[string]tf.Output // d loss / d Read per trainable variable (Train)
	clipped map[string]tf.Output // the gradients Adam applies: grads, or grads clipped by their global norm
	byName  map[string]Var
	saver   saverOps
}

// Build constructs the network of cfg in a new graph. Train mode adds the
// loss and the Adam train op; Inference mode adds the siamese second input
// and pair distance. Both have "init" and the save/restore ops. Every
// panic raised while building becomes the returned error.
func Build(cfg Config, mode Mode) (m *Model, err error) {
	return build(cfg, mode, nil, nil, nil, false)
}

// BuildTowers builds a Train graph with one tower of the network per
// device of towers, e.g. "/job:worker/replica:0/task:0/device:CPU:0"
// (synchronous data parallelism in one graph, towers.go): each tower runs
// its row block of the mini-batch (whose size must be a multiple of
// len(towers)), the loss and Adam run on Config.Device over the whole
// batch. Variables, names and feeds are those of Build's Train graph, so
// checkpoints move between the two.
func BuildTowers(cfg Config, towers []string) (*Model, error) {
	if len(towers) == 0 {
		return nil, fmt.Errorf("graph: BuildTowers: no tower devices")
	}
	return build(cfg, Train, towers, nil, nil, false)
}

// build builds cfg in mode; towers (Train only) are BuildTowers' devices
// and ws, when not nil, their worker store (BuildWorkerInputTowers); wave,
// when not nil (Inference only), the features of the embed_waveform part
// (BuildServing); floatInt8 builds Precision "int8" with dequantised
// float32 products (ExportOptions.FloatInt8).
func build(cfg Config, mode Mode, towers []string, ws *WorkerStore, wave *feature.Config, floatInt8 bool) (m *Model, err error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if mode == Train && cfg.Precision == "int8" {
		return nil, fmt.Errorf("graph: config: precision \"int8\" is for Inference graphs (export); train in fp32 or bf16")
	}
	defer recoverErr(&err)
	g := tf.NewGraph()
	b := &builder{cfg: cfg, g: g, root: op.NewScopeWithGraph(g).WithDevice(cfg.Device), dt: dtypeOf(cfg), inference: mode == Inference, ws: ws, wave: wave, floatInt8: floatInt8}
	m = &Model{Config: cfg, Graph: g}
	b.inputs(m, mode)
	w := b.newNet()
	if len(towers) > 0 {
		m.Layers = b.towers(m, w, towers)
	} else {
		m.Layers = b.tower("model", w, m.Input, m.Training, m.DropoutSeed)
	}
	m.Embedding = b.identity("embedding", m.Layers[cfg.EmbeddingLayer])
	m.Distribution = b.identity("distribution", m.Layers["distribution"])
	m.Layers["distribution"] = m.Distribution
	if mode == Train {
		if err := b.trainPart(m); err != nil {
			return nil, err
		}
	} else {
		b.inferencePart(m, w)
		if wave != nil {
			b.waveformPart(m, w)
		}
	}
	m.Vars = b.vars
	m.byName = make(map[string]Var, len(b.vars))
	inits := make([]*tf.Operation, len(b.vars))
	for i, v := range b.vars {
		m.byName[v.Name] = v
		inits[i] = v.Initializer
	}
	m.Init = b.root.AddOperation(tf.OpSpec{Type: "NoOp", Name: "init", ControlDependencies: inits})
	m.saver = b.saver()
	if err := b.root.Err(); err != nil {
		return nil, fmt.Errorf("graph: build: %w", err)
	}
	if len(towers) > 0 && mode == Train {
		return colocateGradients(m, towers)
	}
	return m, nil
}

// inputs adds the placeholders of mode.
func (b *builder) inputs(m *Model, mode Mode) {
	c := b.cfg
	m.Input = b.placeholder("spectrogram", b.dt, -1, int64(c.Frames), int64(c.Bins))
	m.Training = b.withDefault("training", false)
	m.DropoutSeed = b.withDefault("dropout_seed", []int64{0, 0}, 2)
	if mode == Train {
		m.Labels = b.placeholder("labels", tf.Int32, -1)
		m.PairI = b.placeholder("pair_i", tf.Int32, -1)
		m.PairJ = b.placeholder("pair_j", tf.Int32, -1)
		m.PairSame = b.placeholder("pair_same", tf.Float, -1)
		if c.Distill != spec.DistillNone {
			b.teacherInputs(m)
		}
	} else {
		m.InputB = b.placeholder("spectrogram_b", b.dt, -1, int64(c.Frames), int64(c.Bins))
	}
}

// trainPart adds the loss, gradients, their global norm (and clipping by
// it, Config.ClipNorm) and Adam.
func (b *builder) trainPart(m *Model) error {
	c := b.cfg
	if c.Distill == spec.DistillNone || c.PKLD() != 0 {
		pkld := b.buildLoss(m.Layers["distribution"], pairInputs{labels: m.Labels, pairI: m.PairI, pairJ: m.PairJ, same: m.PairSame})
		m.PKLDLoss = b.identity("loss_pkld", pkld)
	}
	if c.Distill != spec.DistillNone {
		m.DistillLoss = b.identity("loss_distill", b.distillLoss(m.Layers[c.DistillLayer], m.Teacher, m.TeacherMask))
	}
	m.Loss = b.identity("loss", b.combineLoss(b.root.SubScope("loss_sum"), m.PKLDLoss, m.DistillLoss))
	if err := b.root.Err(); err != nil {
		return fmt.Errorf("graph: build: %w", err)
	}
	grads, train, err := b.gradients(m.Loss)
	if err != nil {
		return err
	}
	m.grads = grads
	m.clipped, m.GradNorm = b.clipGlobalNorm(grads, train)
	m.TrainOp, m.GlobalStep = b.adam(m.clipped, train)
	return nil
}

// inferencePart adds the second tower on "spectrogram_b" (shared weights,
// dropout off) and "pair_distance" [batch] = KL(pa||pb) + KL(pb||pa) with
// p = distribution + Epsilon.
func (b *builder) inferencePart(m *Model, w netWeights) {
	tb := b.tower("model_b", w, m.InputB, m.Training, m.DropoutSeed)
	s := b.root.SubScope("pair_distance_fn")
	eps := b.scalar(s, b.cfg.Epsilon)
	pa, pb := add(s, m.Distribution, eps), add(s, tb["distribution"], eps)
	la, lb := op.Log(s.SubScope("log_a"), pa), op.Log(s.SubScope("log_b"), pb)
	m.PairDistance = b.identity("pair_distance", sum(s, mul(s, sub(s, pa, pb), sub(s, la, lb)), 1))
}
