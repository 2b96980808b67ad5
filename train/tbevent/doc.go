// Package tbevent writes TensorBoard event files: scalars and histograms that
// TensorBoard (and tensorboard.backend.event_processing.EventAccumulator)
// read without TensorFlow.
//
// Format. An event file is a TFRecord stream: each record is
//
//	uint64 length (little endian)
//	uint32 masked CRC32C of the 8 length bytes
//	length bytes of data
//	uint32 masked CRC32C of the data
//
// where mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8. The data of each
// record is a serialised tensorflow.Event proto; the first one carries
// file_version "brain.Event:2", the others a Summary with Value entries
// (simple_value scalars, HistogramProto histograms).
//
// Choice: the protos are encoded by hand with protowire instead of running
// TensorFlow's summary ops (CreateSummaryFileWriter/WriteScalarSummary): the
// writer then has no cgo dependency, costs nothing inside the TF step, and is
// tested against the tensorboard Python package.
//
// Field numbers (tensorflow/core/util/event.proto, core/framework/summary.proto,
// checked against tensorboard.compat.proto in the venv):
//
//	Event:          wall_time=1 (double), step=2 (int64), file_version=3 (string), summary=5
//	Summary:        value=1 (repeated Value)
//	Summary.Value:  tag=1 (string), simple_value=2 (float), histo=5 (HistogramProto)
//	HistogramProto: min=1 max=2 num=3 sum=4 sum_squares=5 (double),
//	                bucket_limit=6, bucket=7 (packed repeated double)
//
// References: TensorFlow core/lib/io/record_writer.cc (framing),
// core/lib/hash/crc32c.h (masking), core/lib/histogram/histogram.cc (default
// bucket limits: ±1e-12 * 1.1^k up to 1e20).
package tbevent
