// Package convert turns signatures of a voxsiam SavedModel into TFLite or
// ONNX files by running convert.py (embedded) in the project's Python venv:
// TensorFlow's TFLite converter with builtin ops only (float64 tensors
// rewritten to float32 first) and tf2onnx (RFFT power spectra rewritten to
// ComplexAbs, Log1p to Log(1 + x), which tf2onnx lowers). One file per
// signature; inputs and outputs are named by the signature's keys.
package convert
