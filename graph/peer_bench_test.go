package graph

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// cpuFlags are the /proc/cpuinfo flags that decide whether reduced
// precision can pay: bf16 and int8 dot products (AVX-512 BF16, VNNI, AMX).
var cpuFlags = []string{"avx2", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni", "amx_bf16", "amx_int8"}

// logCPU logs which of cpuFlags the CPU has, says so when it lacks AVX-512
// BF16 (bf16 products then run widened to float32), and logs the load
// average: every precision benchmark prints them with its numbers.
func logCPU(b *testing.B) {
	b.Helper()
	info, _ := os.ReadFile("/proc/cpuinfo")
	have := map[string]bool{}
	for _, line := range strings.Split(string(info), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			for _, f := range strings.Fields(v) {
				have[f] = true
			}
			break
		}
	}
	var got []string
	for _, f := range cpuFlags {
		if have[f] {
			got = append(got, f)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	b.Logf("cpu flags: %s; %d CPUs; load average %s", strings.Join(got, " "), runtime.NumCPU(), strings.TrimSpace(string(load)))
	if !have["avx512_bf16"] && !have["amx_bf16"] {
		b.Logf("this CPU has no AVX-512 BF16 (nor AMX): bf16 products run widened to float32; ratios reported anyway")
	}
}

// torchVariants are bench/torch_precision.py's variants, in its order:
// fp32, bf16 by autocast, bf16 by converting the module, dynamic int8.
var torchVariants = []string{"fp32", "bf16", "bf16cast", "int8"}

// torchPeer is a running `bench/torch_precision.py --serve`.
type torchPeer struct {
	in  io.Writer
	out *bufio.Scanner
}

// benchThreads is $VOXSIAM_BENCH_THREADS (threads of both sides of a
// peer comparison), 0 (TensorFlow's default, one per CPU) when unset.
func benchThreads(b *testing.B) int {
	v := os.Getenv("VOXSIAM_BENCH_THREADS")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("VOXSIAM_BENCH_THREADS=%q: want a positive integer", v)
	}
	return n
}

// startTorchPeer starts the PyTorch peer with batch segments per run and
// threads threads (0: runtime.NumCPU(), TensorFlow's default), or returns nil (and
// logs why) when the peers' venv (make peers: .peers-venv at the
// repository root, or the python of $VOXSIAM_PEERS_PYTHON) is missing.
func startTorchPeer(b *testing.B, batch, threads int) *torchPeer {
	b.Helper()
	if threads == 0 {
		threads = runtime.NumCPU()
	}
	py := os.Getenv("VOXSIAM_PEERS_PYTHON")
	if py == "" {
		py = filepath.Join("..", ".peers-venv", "bin", "python")
	}
	if _, err := os.Stat(py); err != nil {
		b.Logf("PyTorch peer not run: %s missing (make peers)", py)
		return nil
	}
	cmd := exec.Command(py, filepath.Join("..", "bench", "torch_precision.py"), "--serve",
		"--batch", strconv.Itoa(batch), "--threads", strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { in.Close(); cmd.Wait() })
	p := &torchPeer{in: in, out: bufio.NewScanner(out)}
	if line := p.line(b); line != "ready" {
		b.Fatalf("torch peer: got %q, want ready", line)
	}
	return p
}

// step returns a benchmark step that runs one batch of variant v in the
// peer and waits for its answer.
func (p *torchPeer) step(b *testing.B, v string) func() {
	return func() {
		fmt.Fprintln(p.in, v)
		if line := p.line(b); strings.HasPrefix(line, "error") {
			b.Fatalf("torch peer: %s", line)
		}
	}
}

// line reads the peer's next stdout line.
func (p *torchPeer) line(b *testing.B) string {
	if !p.out.Scan() {
		b.Fatalf("torch peer: exited (%v)", p.out.Err())
	}
	return p.out.Text()
}
