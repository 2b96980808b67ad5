// Package embed loads TensorFlow SavedModels (exported by voxsiam or by
// Keras) and turns audio into speaker embeddings: decoding, log-mel
// features with the model's settings, non-overlapping segments, batched
// inference and per-utterance pooling.
//
// # SavedModel format primer
//
// A SavedModel [1] is a directory:
//
//	saved_model.pb                          SavedModel proto: schema version + MetaGraphDefs
//	variables/variables.index               tensor bundle index (sorted table of BundleEntryProto) [3]
//	variables/variables.data-00000-of-00001 raw tensor bytes
//	assets/                                 side files; voxsiam writes assets/voxsiam.json
//
// Each MetaGraphDef [2] carries meta_info_def.tags (loaders select a meta
// graph by tags; serving uses "serve"), the graph_def, a saver_def naming
// the checkpoint ops (the loader feeds "<dir>/variables/variables" to
// filename_tensor_name and runs restore_op_name), collection_def (the TF1
// "variables" collection holds serialized VariableDef protos) and
// signature_def: named functions, each a map of input and output keys to
// TensorInfo (tensor name "op:index", dtype, shape; -1 = any size).
//
// voxsiam writes TF1-style SavedModels (graph.WriteSavedModel): no
// object_graph_def, so Python's tf.saved_model.load takes its
// load_v1_in_v2 path and exposes the signatures as concrete functions.
// Keras exports (model.export, tf.saved_model.save) are TF2 SavedModels:
// the graph holds function libraries and the signatures name
// "serving_default_<input>:0" and "StatefulPartitionedCall:0"; the C API
// loader (TF_LoadSessionFromSavedModel, used here via tf.LoadSavedModel)
// runs both kinds.
//
// A voxsiam export has three signatures: serving_default (spectrogram
// [batch, 40, 128] float32 -> embedding [batch, D]), distribution
// (spectrogram -> softmax [batch, S]) and pair_distance (spectrogram_a,
// spectrogram_b -> symmetric KL [batch]) and, since embed_waveform was
// added, a fourth, embed_waveform (waveform [batch, samples] float32 at the
// features' sample rate, lengths [batch] int32 -> embedding [batch, D],
// segments [batch] int32), computing features, segments and pooling in
// the graph; Model.EmbedWaveform runs it.
//
// Every panic of the TensorFlow binding is recovered in this package
// (one boundary, guard) and returned as an error.
//
// References:
//
//	[1] TensorFlow, "Using the SavedModel format", tensorflow.org/guide/saved_model
//	[2] tensorflow/core/protobuf/meta_graph.proto, saved_model.proto, saver.proto
//	[3] tensorflow/core/protobuf/tensor_bundle.proto; tensorflow/core/util/tensor_bundle
//	[4] T. Stadelmann et al., "Capturing Suprasegmental Features of a Voice with RNNs
//	    for Improved Speaker Clustering", ANNPR 2018 (mean of segment embeddings)
package embed
