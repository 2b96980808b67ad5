#!/usr/bin/env python3
"""Time librosa's log-mel on 10 s of 16 kHz audio, the same work as the Go
BenchmarkLogMel (tools/feature/bench_test.go), and print CPU ms per 10 s.

    python bench/features.py [--repeat 30] [--go-ms MS [--go-median-ms MS]]

Times are process CPU time, not wall time, so the ratio holds on a shared
machine. librosa runs with BLAS limited to one thread (threadpoolctl):
OpenBLAS worker threads spin while waiting, which inflates a multi-threaded
process's CPU time about threefold without doing work. Three librosa
figures: vectorised (melspectrogram, then np.log10 on the array), the same
with default BLAS threads as wall time, and the reference code's way (the
compression applied element by element in a Python loop). With --go-ms
(the cpu-ms/10s-audio metric of `go test ./tools/feature/ -run '^$' -bench
LogMel`, best run) and optionally --go-median-ms (median run) it prints the
speed-ups of Go per core; the project target is >= 5x vectorised librosa.
bench/features.sh runs both.
"""
import argparse
import time

import numpy as np
import librosa
from threadpoolctl import threadpool_limits


def signal(seconds=10, sr=16000):
    rng = np.random.default_rng(0)
    t = np.arange(seconds * sr) / sr
    f0 = 110 + 110 * (t % 1.2) / 1.2
    x = sum(np.sin(2 * np.pi * h * np.cumsum(f0) / sr) / h for h in range(1, 30))
    return (0.1 * x + 0.02 * rng.standard_normal(len(t))).astype(np.float32)


def mel(y):
    return librosa.feature.melspectrogram(y=y, sr=16000, n_fft=1024, hop_length=160,
                                          pad_mode="reflect", n_mels=128)


def logmel(y):
    return np.log10(1 + 10000 * mel(y))


def logmel_as_reference(y):
    """The reference code's own loop: librosa, then log10(1 + 10000 x)
    applied element by element in Python (spectrogram_converter.py)."""
    S = mel(y)
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            S[i, j] = np.log10(1 + 10000 * S[i, j])
    return S


def best_ms(f, y, repeat, clock, rounds=3):
    """Best of rounds of the mean time of f(y) in ms on clock."""
    best = None
    for _ in range(rounds):
        c0 = clock()
        for _ in range(repeat):
            f(y)
        ms = 1000 * (clock() - c0) / repeat
        best = ms if best is None else min(best, ms)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--go-ms", type=float)
    ap.add_argument("--go-median-ms", type=float)
    a = ap.parse_args()
    y = signal()
    logmel(y)  # warm-up: imports, FFT plans
    wall = best_ms(logmel, y, a.repeat, time.perf_counter)
    with threadpool_limits(limits=1):
        cpu = best_ms(logmel, y, a.repeat, time.process_time)
        ref = best_ms(logmel_as_reference, y, 2, time.process_time, rounds=1)
    print(f"librosa {librosa.__version__} log-mel, vectorised, 1 BLAS thread: {cpu:.2f} cpu-ms per 10 s of audio")
    print(f"librosa, default BLAS threads: {wall:.2f} wall-ms per 10 s of audio")
    print(f"librosa + the reference's element-wise compression loop: {ref:.2f} cpu-ms per 10 s of audio")
    if a.go_ms:
        print(f"go (best run): {a.go_ms:.2f} cpu-ms per 10 s of audio; speed-up {cpu / a.go_ms:.1f}x over "
              f"vectorised librosa (target >= 5x), {ref / a.go_ms:.0f}x over the reference's loop")
    if a.go_median_ms:
        print(f"go (median run): {a.go_median_ms:.2f} cpu-ms per 10 s of audio; speed-up "
              f"{cpu / a.go_median_ms:.1f}x over vectorised librosa, {ref / a.go_median_ms:.0f}x over the reference's loop")


if __name__ == "__main__":
    main()
