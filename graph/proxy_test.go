package graph

import (
	"net"
	"sync"
	"sync/atomic"
)

// countingProxy forwards TCP connections from a loopback port to target
// and counts the bytes each way (payload bytes of the TCP streams: gRPC's
// HTTP/2 frames and protobuf, not TCP/IP headers). For measuring what
// TensorFlow's gRPC runtime exchanges between tasks.
type countingProxy struct {
	l      net.Listener
	target string
	to     atomic.Int64 // bytes sent towards target
	from   atomic.Int64 // bytes target sent back
	mu     sync.Mutex
	conns  []net.Conn
}

// startProxy listens on a free loopback port and forwards to target.
func startProxy(target string) (*countingProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{l: l, target: target}
	go p.serve()
	return p, nil
}

// Addr is the proxy's "127.0.0.1:port".
func (p *countingProxy) Addr() string { return p.l.Addr().String() }

// Bytes returns the bytes forwarded so far: towards target, from target.
func (p *countingProxy) Bytes() (to, from int64) { return p.to.Load(), p.from.Load() }

func (p *countingProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		t, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, t)
		p.mu.Unlock()
		go pipe(t, c, &p.to)
		go pipe(c, t, &p.from)
	}
}

// pipe copies src to dst, adding the bytes to n, and closes both at the end.
func pipe(dst, src net.Conn, n *atomic.Int64) {
	buf := make([]byte, 64<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			n.Add(int64(k))
			if _, werr := dst.Write(buf[:k]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
}

// Close stops listening and closes every forwarded connection.
func (p *countingProxy) Close() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
