#!/usr/bin/env bash
# Scale harness (issue 29): time and peak memory of each stage against the
# number of utterances N, on synthetic speaker-clustered 512-d embeddings
# (tools/scalegen: no audio), with the growth exponent fitted to each
# stage's curve (least squares of log time and log memory on log N).
#
#   SCALE_N        utterance counts ("10000 100000 1000000")
#   SCALE_SPEAKERS speakers (default min(N/100, 1000) per N)
#   SCALE_WITHIN   within-speaker noise of scalegen (0.6)
#   SCALE_OUT      work directory (default bench/out/scale; ~2.1 GB per 1M utterances)
#   SCALE_EXACT_MAX  largest N for the forced exact path row (30000)
#   SCALE_OLD      another voxsiam binary (e.g. built from an older commit) to time as
#                  "cluster-old" up to SCALE_OLD_MAX (27200) utterances; unset: none
#   SCALE_STORE_MAX  largest N whose feature store is written (100000; 100 frames of
#                  128 float16 bins an utterance, 25.6 KB each)
# Stages: gen (scalegen: draw the corpus, write the embeddings), store (draw it again,
# write the feature store), cluster (the
# default --path auto), cluster-exact (--path exact), cluster-old. Every cluster
# run cuts at the true speaker count and prints MR/ARI against the true speakers.
# Writes $SCALE_OUT/scale.tsv (stage, N, speakers, seconds, peak MB, MR, ARI) and
# prints it with the fitted exponents as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
NS=${SCALE_N:-10000 100000 1000000}
OUT=${SCALE_OUT:-bench/out/scale}
WITHIN=${SCALE_WITHIN:-0.6}
EXACT_MAX=${SCALE_EXACT_MAX:-30000}
OLD=${SCALE_OLD:-}
OLD_MAX=${SCALE_OLD_MAX:-27200}
STORE_MAX=${SCALE_STORE_MAX:-100000}
mkdir -p "$OUT"
GEN=$OUT/scalegen
go build -o "$GEN" ./tools/scalegen/cmd/scalegen
TSV=$OUT/scale.tsv
printf 'stage\tn\tspeakers\tseconds\tpeak_mb\tmr\tari\n' > "$TSV"

# measure STAGE N S LOG CMD...: runs CMD under /usr/bin/time -v, appends a row.
measure() {
  local stage=$1 n=$2 s=$3 log=$4; shift 4
  echo "== $stage N=$n S=$s: $*" >&2
  /usr/bin/time -v "$@" > "$log" 2> "$log.time" || { cat "$log" "$log.time" >&2; exit 1; }
  local sec mb mr ari
  sec=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$log.time")
  mb=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log.time")
  mr=$(sed -n 's/^MR \([0-9.]*\)%.*/\1/p' "$log"); ari=$(sed -n 's/.*ARI \([0-9.]*\).*/\1/p' "$log")
  grep -h '^cluster:' "$log.time" >&2 || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stage" "$n" "$s" "$sec" "$mb" "${mr:--}" "${ari:--}" | tee -a "$TSV" >&2
}

for n in $NS; do
  s=${SCALE_SPEAKERS:-$(( n / 100 < 1000 ? n / 100 : 1000 ))}
  d=$OUT/n$n
  measure gen "$n" "$s" "$d.gen.log" "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d"
  if [ "$n" -le "$STORE_MAX" ]; then
    measure store "$n" "$s" "$d.store.log" "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d" -store -embeddings=false
  fi
  cut=(--embeddings "$d/emb" --speakers "$s" --out "$d/clusters.txt")
  measure cluster "$n" "$s" "$d.cluster.log" "$VOXSIAM" cluster "${cut[@]}"
  if [ "$n" -le "$EXACT_MAX" ]; then
    measure cluster-exact "$n" "$s" "$d.exact.log" "$VOXSIAM" cluster "${cut[@]}" --path exact
  fi
  if [ -n "$OLD" ] && [ "$n" -le "$OLD_MAX" ]; then
    measure cluster-old "$n" "$s" "$d.old.log" "$OLD" cluster "${cut[@]}"
  fi
  rm -rf "$d/store"
done

# Markdown: the rows, then per stage the exponent b of time ~ N^b and memory ~ N^b.
awk -F'\t' '
NR == 1 { print "| stage | N | speakers | time (s) | peak RSS (MB) | MR (%) | ARI |"; print "|---|---:|---:|---:|---:|---:|---:|"; next }
{ printf "| %s | %d | %d | %.1f | %d | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7
  k = $1; c[k]++; x = log($2); sx[k] += x; sxx[k] += x * x
  st[k] += log($4 > 0 ? $4 : 0.01) * x; sy[k] += log($4 > 0 ? $4 : 0.01)
  sm[k] += log($5) * x; smy[k] += log($5) }
END {
  print ""; print "| stage | points | time exponent | memory exponent |"; print "|---|---:|---:|---:|"
  for (k in c) {
    if (c[k] < 2) continue
    den = c[k] * sxx[k] - sx[k] * sx[k]
    if (den == 0) continue
    printf "| %s | %d | %.2f | %.2f |\n", k, c[k], (c[k] * st[k] - sx[k] * sy[k]) / den, (c[k] * sm[k] - sx[k] * smy[k]) / den
  }
}' "$TSV" | tee "$OUT/scale.md"
