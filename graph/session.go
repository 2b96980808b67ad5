package graph

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// SessionOptions are the thread-pool sizes of a session; 0 = TF default
// (one thread per core).
type SessionOptions struct {
	IntraOp int // threads inside one op (intra_op_parallelism_threads)
	InterOp int // ops run concurrently (inter_op_parallelism_threads)
}

// NewSession opens a session on the model's graph with o serialized as a
// ConfigProto. Run m.Init (or Restore) before using it.
func (m *Model) NewSession(o SessionOptions) (*tf.Session, error) {
	cp := &for_core_protos_go_proto.ConfigProto{
		IntraOpParallelismThreads: int32(o.IntraOp),
		InterOpParallelismThreads: int32(o.InterOp),
		// With Config.Device set to a GPU, ops without a kernel there
		// (SaveV2/RestoreV2, the Qr of the orthogonal initialiser's host
		// computation) fall back to the CPU instead of failing placement.
		AllowSoftPlacement: true,
	}
	buf, err := proto.Marshal(cp)
	if err != nil {
		return nil, fmt.Errorf("graph: session config: %w", err)
	}
	s, err := tf.NewSession(m.Graph, &tf.SessionOptions{Config: buf})
	if err != nil {
		return nil, fmt.Errorf("graph: new session: %w", err)
	}
	return s, nil
}
