#!/usr/bin/env python3
"""Time librosa's log-mel on 10 s of 16 kHz audio, the same work as the Go
BenchmarkLogMel (tools/feature/bench_test.go), and print CPU ms per 10 s.

    python bench/features.py [--repeat 30] [--go-ms MS]

Times are process CPU time (all threads), not wall time, so the ratio holds
on a shared machine. Two librosa figures: vectorised (melspectrogram, then
np.log10 on the array) and as the reference code does it (the compression
applied element by element in a Python loop). With --go-ms (the
cpu-ms/10s-audio metric of `go test ./tools/feature/ -run '^$' -bench
LogMel`) it prints the speed-ups of Go. bench/features.sh runs both.
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


def logmel_as_reference(y):
    """The reference code's own loop: librosa, then log10(1 + 10000 x)
    applied element by element in Python (spectrogram_converter.py)."""
    S = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=1024, hop_length=160,
                                       pad_mode="reflect", n_mels=128)
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            S[i, j] = np.log10(1 + 10000 * S[i, j])
    return S


def cpu_ms(f, y, repeat, rounds=3):
    """Best of rounds of the mean process CPU time of f(y) in ms."""
    best = None
    for _ in range(rounds):
        c0 = time.process_time()
        for _ in range(repeat):
            f(y)
        ms = 1000 * (time.process_time() - c0) / repeat
        best = ms if best is None else min(best, ms)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--go-ms", type=float)
    a = ap.parse_args()
    y = signal()
    logmel(y)  # warm-up: imports, FFT plans
    ms = cpu_ms(logmel, y, a.repeat)
    ref = cpu_ms(logmel_as_reference, y, 2, rounds=1)
    print(f"librosa {librosa.__version__} log-mel, vectorised: {ms:.2f} cpu-ms per 10 s of audio (best of 3 x {a.repeat})")
    print(f"librosa + the reference's element-wise compression loop: {ref:.2f} cpu-ms per 10 s of audio")
    if a.go_ms:
        print(f"go: {a.go_ms:.2f} cpu-ms per 10 s of audio; speed-up {ms / a.go_ms:.1f}x over vectorised librosa, "
              f"{ref / a.go_ms:.0f}x over the reference's loop")

if __name__ == "__main__":
    main()
