#!/usr/bin/env python3
"""Time librosa's log-mel on 10 s of 16 kHz audio, the same work as the Go
BenchmarkLogMel (tools/feature/bench_test.go), and print ms per 10 s of audio.

    python bench/features.py [--repeat 20] [--go-ms MS]

Times are process CPU time (all threads), not wall time, so the ratio holds
on a shared machine. With --go-ms (the cpu-ms/10s-audio metric of `go test ./tools/feature/ -run '^$'
-bench LogMel -benchtime=20x`) it also prints the speed-up of Go over librosa.
bench/features.sh runs both.
"""
import argparse
import time

import numpy as np
import librosa


def signal(seconds=10, sr=16000):
    rng = np.random.default_rng(0)
    t = np.arange(seconds * sr) / sr
    f0 = 110 + 110 * (t % 1.2) / 1.2
    x = sum(np.sin(2 * np.pi * h * np.cumsum(f0) / sr) / h for h in range(1, 30))
    return (0.1 * x + 0.02 * rng.standard_normal(len(t))).astype(np.float32)


def logmel(y):
    S = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=1024, hop_length=160,
                                       pad_mode="reflect", n_mels=128)
    return np.log10(1 + 10000 * S)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--go-ms", type=float)
    a = ap.parse_args()
    y = signal()
    logmel(y)  # warm-up: filterbank cache, FFT plans
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(a.repeat):
        logmel(y)
    ms = 1000 * (time.process_time() - c0) / a.repeat
    wall = 1000 * (time.perf_counter() - w0) / a.repeat
    print(f"librosa {librosa.__version__} log-mel: {ms:.2f} cpu-ms ({wall:.2f} wall ms) per 10 s of audio (mean of {a.repeat})")
    if a.go_ms:
        print(f"go: {a.go_ms:.2f} cpu-ms per 10 s of audio; speed-up {ms / a.go_ms:.1f}x")


if __name__ == "__main__":
    main()
