// Package source resolves what a `--in` flag names into utterances to
// embed: loose audio files, a corpus directory in one of tools/dataset's
// layouts, or a feature store (tools/store, including the ZHAW
// two-utterance stores of `voxsiam split --zhaw`). Each utterance carries a
// loader that returns its frames, decoding, resampling and featurising
// audio (tools/feature) or reading a store's frames as stored, so that
// `voxsiam embed` (through a model) and `voxsiam baseline` (through
// statistics) read exactly the same inputs. It uses no TensorFlow.
//
// References: the feature-store contract in tools/store's documentation;
// the corpus layouts in tools/dataset's.
package source
