package tfserver

// #cgo LDFLAGS: -ltensorflow
// #include <stdlib.h>
// #include "tensorflow/c/c_api.h"
import "C"

import (
	"errors"
	"fmt"
	"sync"

	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// Options configure a server.
type Options struct {
	IntraOp, InterOp int // threads of the sessions the server runs for its task (0: TensorFlow's default, one per core)
	// CPUDevices, when > 1, gives the task that many CPU devices
	// (/device:CPU:0..n-1; ConfigProto device_count in the ServerDef's
	// default_session_config, from which the server creates its devices),
	// so several towers can run on one task as they would on its GPUs.
	CPUDevices int
}

// Server is a running (or created) TensorFlow gRPC server of one task.
// Its methods are safe for concurrent use.
type Server struct {
	mu     sync.Mutex
	s      *C.TF_Server
	task   Task
	target string
}

// ServerDef is the serialized tensorflow.ServerDef of c's task: the whole
// cluster, the task's job and index, protocol "grpc".
func ServerDef(c Config, opts Options) ([]byte, error) {
	cl := &pb.ClusterDef{}
	for _, job := range c.Jobs() {
		jd := &pb.JobDef{Name: job, Tasks: map[int32]string{}}
		for i, a := range c.Cluster[job] {
			jd.Tasks[int32(i)] = a
		}
		cl.Job = append(cl.Job, jd)
	}
	sc := &pb.ConfigProto{IntraOpParallelismThreads: int32(opts.IntraOp), InterOpParallelismThreads: int32(opts.InterOp)}
	if opts.CPUDevices > 1 {
		sc.DeviceCount = map[string]int32{"CPU": int32(opts.CPUDevices)}
	}
	def := &pb.ServerDef{Cluster: cl, JobName: c.Task.Type, TaskIndex: int32(c.Task.Index), Protocol: "grpc", DefaultSessionConfig: sc}
	b, err := proto.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("tfserver: ServerDef: %w", err)
	}
	return b, nil
}

// New creates the server of c.Task (TF_NewServer); it serves after Start.
// c must be valid (Validate); the loopback policy is the caller's
// (CheckLoopback).
func New(c Config, opts Options) (*Server, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	def, err := ServerDef(c, opts)
	if err != nil {
		return nil, err
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	p := C.CBytes(def)
	defer C.free(p)
	s := C.TF_NewServer(p, C.size_t(len(def)), st)
	if err := statusErr(st); err != nil {
		return nil, fmt.Errorf("tfserver: task %s at %s: %w", c.Task, c.Address(c.Task), err)
	}
	srv := &Server{s: s, task: c.Task}
	srv.target = C.GoString(C.TF_ServerTarget(s))
	return srv, nil
}

// Start starts serving (TF_ServerStart).
func (s *Server) Start() error {
	return s.call("start", func(st *C.TF_Status) { C.TF_ServerStart(s.s, st) })
}

// Target is the session target of the server, "grpc://host:port".
func (s *Server) Target() string { return s.target }

// Task is the task the server runs.
func (s *Server) Task() Task { return s.task }

// ErrStopUnsupported: TensorFlow's gRPC server has no clean shutdown
// (TF_ServerStop returns Unimplemented once it has started); its port is
// released when the process exits.
var ErrStopUnsupported = errors.New("TensorFlow's gRPC server cannot be stopped in-process; it stops when the process exits")

// Stop asks the server to stop (TF_ServerStop). For a started gRPC server
// TensorFlow answers Unimplemented: Stop then returns ErrStopUnsupported
// and the process must exit to release the port.
func (s *Server) Stop() error {
	err := s.call("stop", func(st *C.TF_Status) { C.TF_ServerStop(s.s, st) })
	if err != nil && errors.Is(err, errUnimplemented) {
		return fmt.Errorf("tfserver: stop %s: %w", s.task, ErrStopUnsupported)
	}
	return err
}

// Join blocks until the server stops (TF_ServerJoin): for a started gRPC
// server, until the process ends.
func (s *Server) Join() error {
	s.mu.Lock()
	srv := s.s
	s.mu.Unlock()
	if srv == nil {
		return fmt.Errorf("tfserver: join %s: server deleted", s.task)
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	C.TF_ServerJoin(srv, st)
	return statusErr(st)
}

func (s *Server) call(what string, f func(*C.TF_Status)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s == nil {
		return fmt.Errorf("tfserver: %s %s: server deleted", what, s.task)
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	f(st)
	if err := statusErr(st); err != nil {
		return fmt.Errorf("tfserver: %s %s: %w", what, s.task, err)
	}
	return nil
}

var errUnimplemented = errors.New("unimplemented")

// statusErr turns a TF_Status into an error (nil for TF_OK).
func statusErr(st *C.TF_Status) error {
	code := C.TF_GetCode(st)
	if code == C.TF_OK {
		return nil
	}
	msg := C.GoString(C.TF_Message(st))
	if code == C.TF_UNIMPLEMENTED {
		return fmt.Errorf("%s: %w", msg, errUnimplemented)
	}
	return errors.New(msg)
}

// Delete frees a server that was never started or has stopped
// (TF_DeleteServer). Deleting a running gRPC server blocks in TensorFlow
// until it stops, so Delete does nothing for one that Stop could not stop.
func (s *Server) Delete(stopped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s != nil && stopped {
		C.TF_DeleteServer(s.s)
		s.s = nil
	}
}
