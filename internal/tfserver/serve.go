package tfserver

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Serve starts the server of c.Task, writes one line naming it and its
// target to w, and serves until ctx ends. Then it asks TensorFlow to stop;
// as a started gRPC server cannot be stopped in-process
// (ErrStopUnsupported), the port is released when the process exits,
// which the caller does next. It returns ctx's error.
func Serve(ctx context.Context, c Config, opts Options, w io.Writer) error {
	s, err := New(c, opts)
	if err != nil {
		return err
	}
	if err := s.Start(); err != nil {
		return err
	}
	fmt.Fprintf(w, "serving task %s of a %d-task cluster at %s (TensorFlow gRPC: no authentication, no encryption)\n",
		c.Task, c.Size(), s.Target())
	<-ctx.Done()
	if err := s.Stop(); err != nil && !errors.Is(err, ErrStopUnsupported) {
		return err
	}
	return ctx.Err()
}

// Size is the number of tasks in the cluster.
func (c Config) Size() int {
	n := 0
	for _, a := range c.Cluster {
		n += len(a)
	}
	return n
}
