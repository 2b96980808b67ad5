// Package train trains the siamese BLSTM of package graph with the pairwise
// KL loss on a feature store (tools/store), the way the ZHAW reference does it
// and the way speech researchers run training: held-out validation with
// tuned thresholds, EER and clustering MR, TensorBoard summaries, checkpoints
// that resume exactly.
//
// # Data
//
// Mini-batches follow Stadelmann et al. (2018) and the ZHAW code
// (networks/pairwise_lstm/core/data_gen.py): Batch (100) segments, each a
// random Segment-frame (40) crop of a random utterance of a random training
// speaker; the label of a segment is the index of its speaker in the sorted
// training list, and the loss takes every pair of the batch. Speakers are
// drawn before utterances (their batch_generator_divergence_optimised order),
// so speakers with many utterances are not favoured. Sampling "balanced"
// instead builds explicit pairs, alternately same and different speaker (the
// original Keras question's setup; fed as pair_i/pair_j/pair_same to the
// "seed" loss). The batch of step s is drawn from PCG(seed, s) alone, so a
// resumed run sees exactly the batches an uninterrupted one would; Prefetch
// prepares them on goroutines ahead of the TensorFlow step, where the
// SpecAugment masks are applied when enabled ([train] spec_augment, or
// `voxsiam train --spec-augment`; specaug.go; their cost in steps/s:
// BenchmarkSpecAugmentTrain).
//
// Speakers come from the speaker lists ([data] train_speakers/val_speakers)
// or, without lists, the seeded group split of voxsiam split (dataset.Split)
// holding out val_fraction (10%) of the speakers in whole groups, so no base
// voice is on both sides.
//
// # Loop
//
// Run builds the graph (graph.Build, graph.Train mode), initialises it and
// feeds spectrogram, labels, training=true and dropout_seed=[seed, step].
// Step hooks (EveryNSteps, as in gomlx's train.Loop) log the loss (metrics.jsonl,
// fsync'd, and TensorBoard), validate, cluster, keep the best checkpoint and
// checkpoint. Validation runs without dropout on a fixed set of segments of
// the validation speakers (val_segments random crops drawn from PCG(seed, 2^63)):
//
//   - val_loss: the training loss on those segments (chunks of Batch);
//   - val_acc, val_threshold, val_eer: accuracy at the best threshold
//     (eval.BestDistanceThreshold, tuned on these pairs) and EER (eval.EER) of
//     the symmetric KL distance between output distributions over all pairs;
//   - val_acc_cos, val_threshold_cos, val_eer_cos: the same for the cosine
//     distance between embeddings;
//   - val_mr (every mr_every steps): each validation utterance (up to
//     val_utterances per speaker) is embedded as the mean of its
//     Segment-frame segments, cut as voxsiam embed cuts them (non-overlapping,
//     plus one ending at the last frame for a remainder), clustered with complete linkage
//     on cosine distances (eval.Linkage), cut at the true number of speakers
//     (eval.CutMaxClust) and scored with eval.MR (exact); val_mr_zhaw is the
//     ZHAW code's greedy MR of the same cut (eval.MRZHAW), for comparison;
//   - a TensorBoard histogram of the validation embeddings' L2 norms.
//
// The checkpoint with the best best_metric is pointed to by checkpoints/best;
// early_stopping_patience > 0 stops after that many validations without
// improvement.
//
// # Run directory and resume
//
//	<run>/config.toml           effective configuration ([model] resolved)
//	<run>/features.json         the store's feature settings
//	<run>/train.list, val.list  the speakers used
//	<run>/metrics.jsonl         one row per logged step
//	<run>/events/               TensorBoard event files (package tbevent)
//	<run>/checkpoints/ckpt-<step>.{index,data-00000-of-00001}, checkpoint, best
//	<run>/summary.json          outcome (steps, final loss, best metric)
//
// OpenRun reads a run directory back for other commands (export): its
// Config and features.json, and RunDir.Checkpoint resolves latest, best, a
// step or a checkpoint name to a checkpoint prefix.
//
// A checkpoint holds the weights, Adam's slots and beta powers and
// global_step. The "checkpoint" file is replaced atomically (temporary file +
// rename) only after the checkpoint's files exist; the last keep checkpoints
// and the best survive pruning. Resume restores the latest checkpoint, takes
// the step from global_step, truncates metrics.jsonl to that step and replays
// it to rebuild the best metric and the early-stopping count; batches and
// dropout seeds derive from (seed, step). With one intra- and inter-op thread
// a run killed with SIGKILL and resumed logs the same losses as an
// uninterrupted run (TestResumeAfterKill: within 1e-5). A cancelled context
// (SIGINT/SIGTERM in the CLI) saves a checkpoint at the step reached and
// returns the context's error (exit 130). A resumed run starts a new event
// file; TensorBoard shows the steps after the checkpoint twice if the killed
// run had logged past it.
//
// # Devices
//
// [model] device (--device gpu:0 sets it to "/device:GPU:0"; spec.DeviceName) places every op graph.Build creates, e.g.
// "/device:GPU:0"; gradient ops (unplaced, from TF_AddGradients) go to the
// default device, which with one pinned device is that device. With
// Train.LocalDevices the towers get devices of their own (graph.TowerDevices),
// and graph.BuildTowers puts each tower's gradient ops on its device and the
// rest on [model] device (graph/doc.go "Towers"; measured in docs/results/graph.md). Op types of a Train
// graph (reviewed with TestGraphOpsDocumented) and their kernels in
// TensorFlow 2.21's registrations:
//
//   - GPU kernels: MatMul, BiasAdd(Grad), Add/AddV2/AddN, Sub, Mul, Div, Neg,
//     Reciprocal, Log, Sigmoid(Grad), Tanh(Grad), Relu(Grad), Softmax,
//     Maximum, Sum, Mean, OneHot (seed loss), Transpose, Reshape, ConcatV2, Pack/Unpack, Split
//     (LSTM gates and steps), ZerosLike (gradient of an unused Split output), Slice, Pad,
//     Tile, Cast, Equal/Less/GreaterEqual, Sign, MatrixDiagPart,
//     DynamicStitch, StatelessRandomUniform/StatelessRandomNormal (dropout, initialisers),
//     VarHandleOp/ReadVariableOp/AssignVariableOp/AssignAddVariableOp,
//     ResourceApplyAdam, L2Loss and Sqrt (grad_norm; float GPU functor in
//     core/kernels/l2loss_op_gpu.cu.cc, Sqrt in the cwise GPU kernels),
//     Rsqrt/RsqrtGrad (the distillation term's L2 normalisations; cwise
//     GPU kernels).
//   - GPU kernels with host-memory int32 tensors (shape arithmetic; TF keeps
//     them on the host by design): Shape, ShapeN, Size, Rank, Range, Fill,
//     Mod, Prod, BroadcastGradientArgs, ConcatOffset, InvertPermutation,
//     OnesLike.
//   - Qr (orthogonal initialiser, runs once in "init"): its float GPU kernel
//     keeps input and outputs in host memory, i.e. it computes on the CPU.
//   - CPU only: SaveV2 and RestoreV2 (file I/O, host ops by nature);
//     ImmutableConst (worker input: it maps frames.npy; its kernel is
//     registered for DEVICE_CPU only, core/kernels/immutable_constant_op.cc),
//     which graph.BuildWorkerInputTowers places with the GatherV2 that
//     reads the rows on the CPU of the tower's task (graph.InputDevice).
//     The store check's ReadFile and Fingerprint run in a graph of their
//     own on each task's CPU.
//   - No kernels to place: Const, Identity, NoOp, Placeholder,
//     PlaceholderWithDefault.
//
// So a GPU run keeps the whole training step on the device; only
// checkpointing touches the host. The op list was checked on a CPU build
// (no GPU was available); the kernels are from TensorFlow's registrations
// (core/kernels/*), not measured.
//
// # Cluster
//
// RunCluster and ResumeCluster train on a TensorFlow cluster (TF_CONFIG,
// internal/tfserver): this process is the chief; it serves its own task,
// waits for the workers' ports (ClusterOptions.Wait), builds
// graph.BuildTowers with Train.LocalDevices towers per worker task (one by
// default; clusterTowers) and steps it through
// its server, while validation runs on a one-tower graph on the chief that
// shares the variables (resource variables with the same shared_name on
// the chief's device). Batches are sampled on the chief exactly as in one
// process and split by rows across the towers; the loss over the whole
// batch is computed on the chief. With worker input ([train]
// worker_store, winput.go) the chief feeds each tower the store rows of
// its segments instead, and the towers read the frames from the workers'
// copies of the store, checked against the chief's before the first
// step. Every run is bounded
// (ClusterOptions.OpTimeout); a failed run is reported with the worker
// task whose port no longer answers, or the task TensorFlow's message
// names. Run directories and checkpoints are those of Run: either kind of
// run resumes as the other.
//
// References: T. Stadelmann, S. Glinski-Haefeli, P. Gerber, O. Dürr,
// "Capturing suprasegmental features of a voice with RNNs for improved
// speaker clustering", ANNPR 2018; stdm/ZHAW_deep_voice; gomlx ml/train/loop.go
// (step hooks); TensorFlow core/util/event.proto (summaries).
package train
