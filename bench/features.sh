#!/usr/bin/env bash
# Log-mel speed: Go (tools/feature BenchmarkLogMel) against librosa on the
# same 10 s of 16 kHz audio, both as process CPU time per 10 s of audio.
#   bench/features.sh            (from the module root, after `make setup`)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(make -s env)"
go_ms=$(go test ./tools/feature/ -run '^$' -bench '^BenchmarkLogMel$' -benchtime=100x -count=3 \
  | awk '/cpu-ms/ { for (i = 1; i < NF; i++) if ($(i+1) == "cpu-ms/10s-audio") print $i }' | sort -n | head -1)
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS
# bugs) slow numpy down; librosa is timed without them, as its users run it.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$VOXSIAM_PYTHON" bench/features.py --repeat 30 --go-ms "$go_ms"
