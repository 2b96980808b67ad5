#!/usr/bin/env bash
# Log-mel speed: Go (tools/feature BenchmarkLogMel) against librosa on the
# same 10 s of 16 kHz audio, both as process CPU time per 10 s of audio on
# one core (Go: one goroutine; librosa: BLAS limited to one thread).
#   bench/features.sh            (from the module root, after `make setup`)
# Go is run 5 times (200 ops each); the best and the median run are passed
# to features.py, which times librosa the same way (best of 3 rounds) and
# prints both ratios. On a loaded machine the best runs are the comparable
# figures; the medians show the spread.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(make -s env)"
runs=$(go test ./tools/feature/ -run '^$' -bench '^BenchmarkLogMel$' -benchtime=200x -count=5 \
  | awk '/cpu-ms/ { for (i = 1; i < NF; i++) if ($(i+1) == "cpu-ms/10s-audio") print $i }' | sort -n)
go_ms=$(echo "$runs" | head -1)
go_median=$(echo "$runs" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS
# bugs) slow numpy down; librosa is timed without them, as its users run it.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$VOXSIAM_PYTHON" bench/features.py --repeat 30 \
  --go-ms "$go_ms" --go-median-ms "$go_median"
