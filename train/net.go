package train

import "github.com/voxsiam/voxsiam/tools/store"

// Net is the trainable network as the loop sees it. The TensorFlow-backed
// implementation (tfnet.go) wraps package graph; tests may substitute a
// deterministic stand-in to exercise the loop's bookkeeping.
type Net interface {
	// Step runs one optimiser update on b with dropout seeded by seed and
	// returns the batch loss (before the update).
	Step(b *Batch, seed [2]int64) (float64, error)
	// Infer runs the network without dropout on x: [n, Segment, NMels] and
	// returns embeddings emb: [n, EmbDim] and distributions dist: [n, S].
	// With labels ([n] int32) it also returns the loss of that batch.
	Infer(x []float32, n int, labels []int32) (out InferOut, err error)
	// GlobalStep is the number of updates applied so far.
	GlobalStep() (int64, error)
	// Save writes a checkpoint at prefix (prefix.index, prefix.data-*).
	Save(prefix string) error
	// Restore loads the checkpoint at prefix, optimiser state included.
	Restore(prefix string) error
	// Close releases the session.
	Close() error
}

// InferOut is what Infer returns for n segments.
type InferOut struct {
	Emb     []float32 // [n, EmbDim]
	EmbDim  int
	Dist    []float32 // [n, S]
	DistDim int
	Loss    float64 // batch loss when labels were given
}

// netFactory builds a freshly initialised Net for cfg (cfg.Model complete:
// Speakers, Frames and Bins set); st is the run's store (worker input
// checks the workers' copies against it).
type netFactory func(cfg Config, st *store.Store) (Net, error)

// gradNormer is a Net that reports the global L2 norm of its last Step's
// gradients (before clipping); the loop logs it as grad_norm.
type gradNormer interface {
	GradNorm() float64
}

// rowFeeder is a Net that may feed its training steps the store rows of a
// batch (Batch.Rows) instead of its frames: worker input. The loop then
// draws batches without copying frames (Sampler.rowsOnly).
type rowFeeder interface {
	FeedsRows() bool
}

// distiller is a Net with a distillation term (teacher.go); the loop logs
// the term as distill_loss.
type distiller interface {
	HasDistill() bool
	DistillLoss() float64
}
