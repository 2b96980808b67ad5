#!/usr/bin/env bash
# Quality of the two-stage clustering path against the exact one (issue 29):
# for each embeddings directory (with utt2spk), cluster with --path exact and
# with --path two-stage at several centroid counts, all cut at the true speaker
# count, and report MR/ARI of each against the true speakers and of the
# two-stage clusters against the exact path's (`cluster --labels` with the
# exact clusters file as the truth). Writes $QUALITY_OUT/quality.md.
#
#   QUALITY_EMB       "name=embeddings-dir ..." (default: synthetic sets from tools/scalegen,
#                     QUALITY_N utterances of QUALITY_SPEAKERS speakers at each QUALITY_WITHIN)
#   QUALITY_N         20000 (the exact path's default 1 GiB budget holds 23170)
#   QUALITY_SPEAKERS  200          QUALITY_WITHIN  "0.6 0.9 1.2 1.5" (scalegen -within)
#   QUALITY_CENTROIDS "500 2000"   QUALITY_METHOD  complete
#   QUALITY_OUT       bench/out/scale-quality
# Real-voice embeddings come from `voxsiam embed --in <real-voice store> --out DIR`;
# pass them as QUALITY_EMB="real=DIR".
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
OUT=${QUALITY_OUT:-bench/out/scale-quality}
N=${QUALITY_N:-20000}
S=${QUALITY_SPEAKERS:-200}
CENTROIDS=${QUALITY_CENTROIDS:-500 2000}
METHOD=${QUALITY_METHOD:-complete}
mkdir -p "$OUT"
sets=${QUALITY_EMB:-}
if [ -z "$sets" ]; then
  go build -o "$OUT/scalegen" ./tools/scalegen/cmd/scalegen
  for w in ${QUALITY_WITHIN:-0.6 0.9 1.2 1.5}; do
    "$OUT/scalegen" -n "$N" -speakers "$S" -within "$w" -out "$OUT/within-$w" >&2
    sets="$sets within-$w=$OUT/within-$w/emb"
  done
fi
# metrics LOG: "MR ARI" from a cluster summary.
metrics() { sed -n 's/^MR \([0-9.]*\)%.* ARI \([0-9.]*\).*/\1 \2/p' "$1"; }
{
  echo "| set | utterances | speakers | path | centroids | MR vs truth (%) | ARI vs truth | MR vs exact (%) | ARI vs exact | time (s) |"
  echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
  for entry in $sets; do
    name=${entry%%=*} dir=${entry#*=}
    n=$(wc -l < "$dir/utt.list"); k=$(cut -d' ' -f2 "$dir/utt2spk" | sort -u | wc -l)
    exact=$OUT/$name.exact.txt
    t0=$(date +%s.%N)
    "$VOXSIAM" cluster --embeddings "$dir" --speakers "$k" --method "$METHOD" --path exact --out "$exact" > "$OUT/$name.exact.log"
    t1=$(date +%s.%N)
    read -r mr ari < <(metrics "$OUT/$name.exact.log")
    printf '| %s | %d | %d | exact | - | %s | %s | 0.00 | 1.0000 | %.1f |\n' "$name" "$n" "$k" "$mr" "$ari" "$(echo "$t1 - $t0" | bc)"
    for c in $CENTROIDS; do
      [ "$c" -lt "$n" ] || continue
      log=$OUT/$name.two-stage-$c
      t0=$(date +%s.%N)
      "$VOXSIAM" cluster --embeddings "$dir" --speakers "$k" --method "$METHOD" --path two-stage --centroids "$c" --out "$log.txt" > "$log.log"
      t1=$(date +%s.%N)
      "$VOXSIAM" cluster --embeddings "$dir" --labels "$exact" --speakers "$k" --method "$METHOD" --path two-stage --centroids "$c" --out "$log.txt" > "$log.vs-exact.log"
      read -r mr ari < <(metrics "$log.log")
      read -r xmr xari < <(metrics "$log.vs-exact.log")
      printf '| %s | %d | %d | two-stage | %d | %s | %s | %s | %s | %.1f |\n' "$name" "$n" "$k" "$c" "$mr" "$ari" "$xmr" "$xari" "$(echo "$t1 - $t0" | bc)"
    done
  done
} | tee "$OUT/quality.md"
