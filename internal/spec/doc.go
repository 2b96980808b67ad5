// Package spec holds the model's shared words, the vocabulary graph,
// train, embed and the commands agree on, without TensorFlow: the network
// Config with its defaults and validation (the [model] table of
// config.toml), the valid precisions, poolings and embedding layers with
// their Parse functions, the default segment length, the SavedModel
// signature names, the typed assets/voxsiam.json (Meta) and the --device
// flag (ParseDevice, DeviceName).
//
// It imports internal/errs and tools/feature (the feature settings Meta
// carries) and nothing that reaches TensorFlow; internal/archtest keeps it
// so. Package graph builds a Config into a TensorFlow graph and writes
// Meta; package embed reads Meta back without importing graph.
package spec
