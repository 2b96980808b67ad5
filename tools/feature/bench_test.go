package feature

import "testing"

// benchSeconds of audio per benchmark op; bench/features.py times librosa
// on the same length and bench/features.sh prints the ratio.
const benchSeconds = 10

func benchSignal() []float32 {
	s := speechLike(16000)
	x := make([]float32, 0, benchSeconds*16000)
	for len(x) < cap(x) {
		x = append(x, s[:min(len(s), cap(x)-len(x))]...)
	}
	return x
}

// The cpu-ms/10s-audio metric is process CPU time per 10 s of audio, the
// figure bench/features.py compares with librosa's (wall time on a shared
// machine mostly measures the other load).

// BenchmarkLogMel times the reference log-mel (n_fft 1024, hop 160, 128
// mels) of 10 s of 16 kHz audio on one goroutine.
func BenchmarkLogMel(b *testing.B) {
	benchmarkKind(b, DefaultConfig())
}

// BenchmarkFbank times Kaldi-style fbank (25 ms, 10 ms, 128 bands) of 10 s.
func BenchmarkFbank(b *testing.B) {
	benchmarkKind(b, FbankConfig())
}

func benchmarkKind(b *testing.B, cfg Config) {
	e, err := NewExtractor(cfg)
	if err != nil {
		b.Fatal(err)
	}
	x := benchSignal()
	var dst []float32
	b.SetBytes(int64(4 * len(x)))
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		dst, _ = e.Compute(dst, x)
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1000, "cpu-ms/10s-audio")
}
