package tfserver

import (
	"fmt"
	"net"
	"strings"
)

// FreeLoopbackAddrs returns n distinct "127.0.0.1:port" addresses whose
// ports were free a moment ago (the kernel chose them). For tests and
// local clusters.
func FreeLoopbackAddrs(n int) ([]string, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	out := make([]string, n)
	for i := range out {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("tfserver: free port: %w", err)
		}
		ls = append(ls, l)
		out[i] = l.Addr().String()
	}
	return out, nil
}

// LocalConfig is a TF_CONFIG JSON of a chief and the given workers on
// addrs (addrs[0] the chief), task task.
func LocalConfig(addrs []string, task Task) string {
	q := make([]string, len(addrs)-1)
	for i, a := range addrs[1:] {
		q[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`{"cluster": {"chief": [%q], "worker": [%s]}, "task": {"type": %q, "index": %d}}`,
		addrs[0], strings.Join(q, ", "), task.Type, task.Index)
}
