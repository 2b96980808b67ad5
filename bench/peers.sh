#!/usr/bin/env bash
# Extraction speed of the peer speaker encoders (scripts/peers, docs/peers.md) on this CPU:
# files/s, segments/s (Resemblyzer: 1.6 s windows; CAM++: one per utterance) and
# audio-s/s, model loading and the first (compiling) call excluded, for each thread count.
#
#   bench/peers.sh IN [N]    IN: what peers.py --in takes (corpus dir, store, manifest.tsv);
#                            N: the first N utterances (default 300)
#   PEERS="resemblyzer campplus"  PEERS_THREADS="1 2"  PEERS_OUT=bench/out/peers
#
# Prints the CPU flags, the load average before each run and a Markdown table; the raw
# summaries go to $PEERS_OUT/<peer>-t<threads>.json. Needs .peers-venv (make peers).
set -euo pipefail
cd "$(dirname "$0")/.."
IN=${1:?usage: bench/peers.sh IN [N]}
N=${2:-300}
PY=${PEERS_PY:-.peers-venv/bin/python}
OUT=${PEERS_OUT:-bench/out/peers}
[ -x "$PY" ] || { echo "bench/peers.sh: no $PY: run make peers (docs/peers.md)" >&2; exit 2; }
mkdir -p "$OUT"
echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) CPUs); flags: $(grep -o 'avx512_bf16\|avx512_vnni\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "# input: $IN, first $N utterances"
echo
echo "| peer | threads | files | segments | audio s | files/s | segments/s | audio-s/s | start-up s | load avg before |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for p in ${PEERS:-resemblyzer campplus}; do
  for t in ${PEERS_THREADS:-1 2}; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    "$PY" scripts/peers/peers.py --peer "$p" --in "$IN" --limit "$N" --threads "$t" --restart --json \
      --out "$OUT/emb-$p-t$t" 2>"$OUT/$p-t$t.err" | tail -n 1 >"$OUT/$p-t$t.json"
    "$PY" - "$OUT/$p-t$t.json" "$load" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("| %s | %d | %d | %d | %.1f | %.2f | %.2f | %.2f | %.1f | %s |" % (
    s["peer"], s["threads"], s["utterances"], s["segments"], s["audio_seconds"], s["files_per_s"],
    s["segments_per_s"], s["audio_s_per_s"], s["startup_seconds"], sys.argv[2]))
EOF
  done
done
