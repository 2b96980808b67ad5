package graph

import (
	"fmt"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// SessionOptions are the thread-pool sizes of a session; 0 = TF default
// (one thread per core).
type SessionOptions struct {
	IntraOp int // threads inside one op (intra_op_parallelism_threads)
	InterOp int // ops run concurrently (inter_op_parallelism_threads)
	// BF16Rewrite turns on TensorFlow's own mixed-precision graph rewrite
	// (RewriterConfig auto_mixed_precision_onednn_bfloat16: grappler casts
	// the ops on its bf16 allow list, MatMul among them, when oneDNN is
	// enabled). It is the alternative to Config.Precision "bf16" that
	// doc.go measures; use it on an fp32 graph.
	BF16Rewrite bool
	// Target is the TensorFlow runtime to connect to: "" in-process, or a
	// cluster task's "grpc://host:port" (BuildTowers graphs on tasks).
	Target string
	// CPUDevices, when > 1, gives an in-process session that many CPU
	// devices (/device:CPU:0..n-1; ConfigProto device_count), so towers
	// can be placed on local devices as they would be on GPUs.
	CPUDevices int
	// OperationTimeout bounds every run (ConfigProto
	// operation_timeout_in_ms): a run waiting on a dead task fails with
	// DeadlineExceeded instead of hanging. 0: no bound.
	OperationTimeout time.Duration
}

// NewSession opens a session on the model's graph with o serialized as a
// ConfigProto. Run m.Init (or Restore) before using it.
func (m *Model) NewSession(o SessionOptions) (*tf.Session, error) {
	return newSession(m.Graph, o)
}

// newSession opens a session on g with o (NewSession).
func newSession(g *tf.Graph, o SessionOptions) (*tf.Session, error) {
	cp := &for_core_protos_go_proto.ConfigProto{
		IntraOpParallelismThreads: int32(o.IntraOp),
		InterOpParallelismThreads: int32(o.InterOp),
		// With Config.Device set to a GPU, ops without a kernel there
		// (SaveV2/RestoreV2, the Qr of the orthogonal initialiser's host
		// computation) fall back to the CPU instead of failing placement.
		AllowSoftPlacement: true,
	}
	if o.CPUDevices > 1 {
		cp.DeviceCount = map[string]int32{"CPU": int32(o.CPUDevices)}
	}
	if o.OperationTimeout > 0 {
		cp.OperationTimeoutInMs = o.OperationTimeout.Milliseconds()
	}
	if o.BF16Rewrite {
		cp.GraphOptions = &for_core_protos_go_proto.GraphOptions{RewriteOptions: &for_core_protos_go_proto.RewriterConfig{
			AutoMixedPrecisionOnednnBfloat16: for_core_protos_go_proto.RewriterConfig_ON,
		}}
	}
	buf, err := proto.Marshal(cp)
	if err != nil {
		return nil, fmt.Errorf("graph: session config: %w", err)
	}
	s, err := tf.NewSession(g, &tf.SessionOptions{Target: o.Target, Config: buf})
	if err != nil {
		return nil, fmt.Errorf("graph: new session: %w", err)
	}
	return s, nil
}
