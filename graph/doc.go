// Package graph builds the siamese BLSTM speaker-embedding network of
// Stadelmann et al. (2018) as a TensorFlow graph from Go (tfgo and the
// galeone/tensorflow bindings over the libtensorflow C API), with the
// pairwise KL (PKLD) loss, its gradients, Adam, and TF1-style checkpoints.
// It builds the network internal/spec.Config describes (spec holds the
// configuration, its defaults and validation, the voxsiam.json schema and
// the other shared words, without TensorFlow) and writes SavedModels with
// their assets/voxsiam.json (Export, spec.Meta). Five packages import
// TensorFlow: graph, train (the training session), embed (serving
// SavedModels, without importing graph), internal/tfserver (the gRPC
// server) and the test kit internal/testkit/modeltest; internal/archtest
// holds the table of who may import what. Build is the one boundary where
// binding panics become errors.
//
// # Network and shapes
//
//	"spectrogram" [batch, Frames=40, Bins=128] float32 (log-mel, 10 ms hop)
//	L1  BLSTM(LSTM1=256 per direction), sequences   [batch, 40, 512]
//	L2  Dropout(0.5)                                [batch, 40, 512]
//	L3  BLSTM(LSTM2=256), last output               [batch, 512]   "embedding"
//	L4  Dense(10*S), linear                         [batch, 10*S]
//	L5  Dropout(0.25)                               [batch, 10*S]
//	L6  Dense(5*S), linear                          [batch, 5*S]
//	L7  Dense(S) logits; softmax = "distribution"   [batch, S]
//
// The dense layers are built with tfgo's Tensor API (MatMul, broadcast
// Add); the unrolled LSTM steps, the losses and Adam use the op package of
// the same bindings directly, since a tfgo Tensor starts every chain with an
// Identity node and the unrolled BLSTMs have 2 x 2 x 40 steps.
//
// # Audio in the served graph
//
// BuildServing (waveform.go, waveform_frames.go) adds to the Inference
// graph what `voxsiam embed` does on the host, from waveforms at the
// features' sample rate: log-mel frames, VAD trimming, segments (partial
// policy, short utterances repeated), a third tower "model_w" on the
// shared weights (so bf16 and int8 exports serve it too) and mean
// pooling, as the "embed_waveform" signature of Export (logmel and fbank
// features). It adds no variables; docs/results/waveform.md has its cost.
//
// LSTMs follow Keras: gates i, f, c, o; sigmoid recurrent activation, tanh;
// Glorot-uniform kernels, orthogonal recurrent kernels (QR of a normal
// matrix, sign-corrected, as Keras Orthogonal), zero bias with forget-gate
// bias 1. The backward direction consumes the reversed sequence; L3 joins
// the forward output at the last step with the backward output after the
// whole reversed sequence, as Keras Bidirectional(return_sequences=False).
// Dropout is inverted dropout, on only when "training" is fed true; its
// masks come from StatelessRandomUniform keyed by [seed, 2*step+k] from the
// fed "dropout_seed" = [seed, step], so runs are reproducible and resumable.
// Initialisers are stateless too, keyed by [Config.Seed, variable index].
//
// # Losses
//
// With p = distribution + Epsilon (1e-7; no clipping, no renormalisation:
// for softmax outputs the sum moves by S*Epsilon) and K[i,j] = KL(p_i||p_j)
// = sum p_i log p_i - (P @ log P^T)[i,j] for all batch pairs:
//
//	pkld (default): mean over pairs i<j of sum over both directions of
//	    Is*KL + Ids*max(0, margin - KL)            (margin 3)
//	symmetric: d = KL(p||q) + KL(q||p); Is*d + Ids*hinge(margin - d)
//	seed: fed pairs (pair_i, pair_j, pair_same), one direction,
//	    same*KL + (1-same)*hinge(margin - KL): the original Keras setup
//
// hinge is max(0, x) or softplus(x) (Config.Hinge).
//
// # Training and checkpoints
//
// "train" applies ResourceApplyAdam (the TF1 AdamOptimizer update) to every
// weight with slots "<name>/Adam", "<name>/Adam_1", then multiplies the
// "beta1_power"/"beta2_power" variables and increments "global_step".
// Before Adam, "grad_norm" is the L2 norm of all gradients as one vector
// (tf.linalg.global_norm); with Config.ClipNorm > 0 every gradient is
// scaled by ClipNorm / max(grad_norm, ClipNorm) (tf.clip_by_global_norm,
// checked against it in clip_test.go). The published configuration does
// not clip; grad_norm is built either way and read only when fetched.
// Checkpoints are SaveV2 bundles keyed by variable name, with TF1 SaverDef
// ops "save/Const" (filename), "save/control_dependency" (save) and
// "save/restore_all" (restore), so SavedModel export can reuse them.
//
// # LSTM implementations
//
// Two BLSTM implementations exist and are tested against each other and
// against tf.keras: "unrolled" (40 steps of fused-gate MatMul + a Split
// into the gates, from ops with C++ gradients, the input projection of all
// steps in one MatMul, gradients by Graph.AddGradients) and "block" (one
// BlockLSTMV2 per direction, BlockLSTMGradV2 wired by hand and chained with
// AddGradients). The unrolled graph is the default: it was measured faster
// on CPU (docs/results/graph.md), since its input projection is one large
// GEMM and the two directions are independent op chains that TensorFlow's
// inter-op pool runs concurrently, while the CPU BlockLSTMGradV2 kernel
// walks the 40 steps inside one op. Within "unrolled" there are two
// layouts (lstmUnrolled):
//
//   - Train graphs run the recurrence feature major ([U, batch] states,
//     recurrent^T x h, gates as whole row blocks), which avoids the Pad +
//     AddN gradients of per-gate column Slices.
//   - Inference graphs run it batch major (h x recurrent): a transposed-
//     operand MatMul is the slow case of TF's CPU kernel, and a forward
//     pass has no backward to win it back. Inference graphs also have no
//     dropout ops.
//
// Both layouts and both implementations use the same variables in Keras
// layout, so a checkpoint written by one restores into the other (embed
// may build its Inference graph with "block"); they agree to float
// rounding (TestCheckpointResume: 1e-5). "block" is float32 only.
//
// # Reduced precision
//
// Config.Precision "bf16" casts both operands of every network MatMul
// (LSTM input projections, the recurrent products, the dense layers) to
// bfloat16 and the product back to float32 (precision.go). Variables stay
// float32 (master weights: Adam updates them from gradients that flow
// back through Cast), and so do the gate nonlinearities and cell state,
// softmax, log p, the KL matrix and the loss: the log of probabilities
// near Epsilon is never taken in bf16. "int8" (Inference graphs, export
// only) stores each kernel as int8 with a per-output-column scale
// (QuantizeColumns: symmetric, max |w| / 127) and multiplies in int8: the
// activations become uint8 with one scale per product (fixed 1/127 for
// LSTM outputs, |h| < 1; max |x| / 127 of each row for the features and
// the dense layers' inputs), the int32 sums come exact from oneDNN's
// VNNI kernel and are scaled back to float32 per column.
//
// Explicit casts against TensorFlow's rewrite. SessionOptions.BF16Rewrite
// asks grappler for auto_mixed_precision_onednn_bfloat16 on the fp32
// graph instead; on a CPU without AVX512_BF16 it leaves the graph
// unchanged (docs/results/graph.md). The explicit casts are kept: they do
// the same on every CPU, are visible in the graph and the exported
// SavedModel (a rewrite is a session setting that a SavedModel does not
// carry), and keep loss and KL float32 by construction, where the
// rewrite's allow/deny lists decide. Speed is a property of the CPU: on
// one without bf16 or int8 dot-product instructions (AVX512_BF16, AMX,
// VNNI) TensorFlow widens bf16 blocks to float32, and neither variant is
// faster than fp32; measurements in docs/results/precision.md.
//
// int8: TensorFlow's QuantizedMatMul has a CPU kernel for quint8 x quint8
// only, and BatchMatMulV3 int8 x int8 -> int32 none that uses VNNI;
// QuantizedMatMulWithBias (quint8 x qint8, qint32 bias), which the oneDNN
// layout pass runs as a VNNI inner product, does. With a qint32 bias it
// returns the raw int32 sums, so int8Product adds -128 * column sums of q
// as the bias (the uint8 zero point) and scales per column itself: the
// per-channel weight scales stay exact, where the op's own float ranges
// are per tensor. oneDNN reorders the weights at every call (they are not
// graph constants), which the recurrent products pay once per step.
// Quality bounds, tested: cosine to the fp32 embedding >= 0.999 for bf16
// and >= 0.995 for int8 (TestReducedPrecisionEmbeddings), and EER within 0.01 and MR within 2 of
// 60 utterances of fp32 on held-out synthetic speakers
// (TestReducedPrecisionEERAndMR), a tolerance a deliberately broken int8
// export (scales x127/64) must exceed.
//
// # Towers (data parallelism in one graph)
//
// BuildTowers builds a Train graph with one tower of the network per
// device (local CPUs or GPUs, or tasks of a TensorFlow cluster,
// "/job:worker/replica:0/task:i/device:CPU:0"; TowerDevices names n
// local devices of a task): "spectrogram" is split into row blocks (equal
// when the batch is a multiple of the tower count, as training needs;
// other batches, e.g. validation's last one, give the first towers
// ceil(batch/towers) rows), tower i runs block i with the shared weights,
// and the layer outputs are concatenated in row order on Config.Device
// (the chief), where the loss is computed. The PKLD term thus takes all
// pairs of the global mini-batch, not pairs within a tower: the towers
// exchange only their softmax outputs ([batch/towers, S] each) forward and
// the gradient of the loss with respect to them backward. The gradient of
// each weight is summed over the towers by AddGradients (the towers share
// one read of every variable), and one Adam update applies it. Dropout
// masks are drawn for the whole batch and sliced per tower, so a row's
// mask does not depend on the tower count. TestTowersMatchOneProcess: two
// towers give the one-tower losses for 4 Adam steps (same seed, tolerance
// 1e-5), on two local CPU devices, on a loopback cluster of three
// processes, and on that cluster with two CPU devices per worker (four
// towers). TestTowerGPUPlacement checks the devices the ops of towers on
// GPUs ask for, without running them. Gradient ops added by AddGradients
// carry no device (the C API builds them in a scope without one and has no
// colocate_gradients_with_ops), and TensorFlow's placer puts unplaced ops
// on the default device, so most of every tower's backward pass would run
// there. BuildTowers therefore rewrites its graph (colocate.go): it
// exports the GraphDef, gives each gradient op whose inputs come from one
// tower that tower's device and every other one Config.Device, splits the
// AddN that sums a weight's gradient over the towers into per-tower and
// per-task partial sums, re-imports the graph and looks the Model's
// handles up by name (Build's graphs are not rewritten);
// TestTowerBackwardPlacement checks where the ops ran. Placement counts
// and bytes per step: docs/results/graph.md and
// docs/results/cluster-traffic.md.
//
// Worker input (winput.go). BuildWorkerInputTowers replaces the split of
// "spectrogram" by a read on each tower's task: the chief feeds
// "towers/tower<i>/rows" (int64, the store row each segment starts at),
// and on InputDevice(tower) (the tower's CPU, or CPU:0 of its task for a
// GPU tower: ImmutableConst has a CPU kernel only) an ImmutableConst maps
// the task's own frames.npy as one vector [Header/size + Rows*Bins]
// (TensorFlow's MemmappedTensorAllocator: the region starts at the file's
// first byte, page-aligned, so the 64-byte alignment it asks for holds; a
// file shorter than the shape fails the step with "Readonly memory region
// has wrong length (L) when allocating N"), a GatherV2 takes elements
// Header/size + row*Bins + [0, Frames*Bins) of each row, a Reshape makes
// [b_i, Frames, Bins] and a Cast converts float16 stores. The mapping is
// made again at every step (the op computes each run; the pages stay in
// the page cache). Grappler's constant folding skips ops without inputs
// and ops whose inputs are not Const, so the read is never evaluated on
// the master. Feeding "towers/tower<i>/input" instead runs the tower on
// given frames (validation). FingerprintStores (storecheck.go) compares
// copies of a store on their tasks before training. TestWorkerInputTowers:
// float32 and float16 stores give the fed towers' and one tower's losses
// (tolerance 1e-5); TestWorkerInputShortFile, TestFingerprintStores,
// TestWorkerInputGPUPlacement.
//
// # References
//
//   - T. Stadelmann, S. Glinski-Haefeli, P. Gerber, O. Dürr: "Capturing
//     Suprasegmental Features of a Voice with RNNs for Improved Speaker
//     Clustering", ANNPR 2018; code: stdm/ZHAW_deep_voice (PKLD loss).
//   - Y.-C. Hsu, Z. Kira: "Neural network-based clustering using pairwise
//     constraints", ICLR workshop 2016 (the KL pairwise hinge loss).
//   - S. Hochreiter, J. Schmidhuber: "Long Short-Term Memory", 1997;
//     Keras LSTM/Bidirectional semantics (tf.keras 3).
//   - D. Kingma, J. Ba: "Adam", ICLR 2015; TensorFlow core/ops/training_ops.cc
//     (ResourceApplyAdam), core/ops/rnn_ops.cc (BlockLSTMV2, BlockLSTMGradV2).
package graph
