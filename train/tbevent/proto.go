package tbevent

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Histogram is a TensorBoard HistogramProto: bucket i counts the values in
// [Limits[i-1], Limits[i]) (the first from -DBL_MAX).
type Histogram struct {
	Min, Max, Num, Sum, SumSquares float64
	Limits                         []float64 // bucket_limit, ascending
	Counts                         []float64 // bucket, len(Limits)
}

// eventHeader encodes Event{wall_time, step}.
func eventHeader(wall float64, step int64) []byte {
	b := protowire.AppendTag(nil, 1, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(wall))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(step))
}

// versionEvent encodes the first event of a file.
func versionEvent(wall float64) []byte {
	b := eventHeader(wall, 0)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	return protowire.AppendString(b, "brain.Event:2")
}

// summaryEvent wraps encoded Summary.Value messages into an Event.
func summaryEvent(wall float64, step int64, values [][]byte) []byte {
	var sum []byte
	for _, v := range values {
		sum = protowire.AppendTag(sum, 1, protowire.BytesType)
		sum = protowire.AppendBytes(sum, v)
	}
	b := eventHeader(wall, step)
	b = protowire.AppendTag(b, 5, protowire.BytesType)
	return protowire.AppendBytes(b, sum)
}

// scalarValue encodes Summary.Value{tag, simple_value}.
func scalarValue(tag string, v float32) []byte {
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	b = protowire.AppendString(b, tag)
	b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

// histoValue encodes Summary.Value{tag, histo}.
func histoValue(tag string, h *Histogram) []byte {
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	b = protowire.AppendString(b, tag)
	b = protowire.AppendTag(b, 5, protowire.BytesType)
	return protowire.AppendBytes(b, h.marshal())
}

func (h *Histogram) marshal() []byte {
	var b []byte
	for i, f := range []float64{h.Min, h.Max, h.Num, h.Sum, h.SumSquares} {
		b = protowire.AppendTag(b, protowire.Number(i+1), protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(f))
	}
	b = appendPacked(b, 6, h.Limits)
	return appendPacked(b, 7, h.Counts)
}

func appendPacked(b []byte, num protowire.Number, xs []float64) []byte {
	var p []byte
	for _, x := range xs {
		p = protowire.AppendFixed64(p, math.Float64bits(x))
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, p)
}

// sessionStartEvent encodes Event{wall_time, step, session_log: SessionLog{status: START}}
// (event.proto: session_log = 7; SessionLog.status = 1, START = 1).
func sessionStartEvent(wall float64, step int64) []byte {
	log := protowire.AppendTag(nil, 1, protowire.VarintType)
	log = protowire.AppendVarint(log, 1)
	b := eventHeader(wall, step)
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	return protowire.AppendBytes(b, log)
}
