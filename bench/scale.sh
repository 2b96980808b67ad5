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
#   SCALE_STORE_MAX  largest N whose feature store is written (100000; SCALE_FRAMES frames of
#                  128 float16 bins an utterance, 25.6 KB each at the default 100)
#   SCALE_FRAMES   frames per utterance of the store (100: 3 segments of 40 for embed)
#   SCALE_STAGES   stages to run ("cluster path embed"): cluster = gen, store, cluster*;
#                  path = the rest of the path below but embed (needs the store: up to
#                  SCALE_STORE_MAX); embed = the embed stage (about 1,000 segments/s, 3 an utterance)
#   SCALE_STEPS    training steps of the train stage (12)
#   SCALE_SHARDS   shards of the merge stages (100)
#   SCALE_TRIALS   trial counts of the score stage ("1000000 10000000"), scored over
#                  the embeddings of SCALE_TRIALS_N utterances (100000, or the largest N)
# Stages: gen (scalegen: draw the corpus, write the embeddings), store (draw it again,
# write the feature store), cluster (the
# default --path auto), cluster-exact (--path exact), cluster-old. Every cluster
# run cuts at the true speaker count and prints MR/ARI against the true speakers.
# The rest of the path, on the store: train-setup (store.Open, speaker split, the
# sampler's index and the validation set: BenchmarkStoreStartup, seconds per run),
# sampler (BenchmarkStoreSampler: seconds per 100-segment batch, one goroutine),
# train (voxsiam train --steps SCALE_STEPS: the whole process), train-first-step
# (from exec to the first step's log line: start-up, graph, first run),
# train-step (seconds per step after the first), embed (the default model over the
# store), split (--zhaw), shards (scalegen: the corpus as SCALE_SHARDS embedding and
# store shards), merge-emb and merge-store (voxsiam merge of the shards); score
# (voxsiam score with the speaker bootstrap) has the trial count in the N column.
# Writes $SCALE_OUT/scale.tsv (stage, N, speakers, seconds, peak MB, MR, ARI) and
# prints it with the fitted exponents as Markdown; $SCALE_OUT/scale-cpu.tsv has the
# CPU seconds (user + system) of every measured process.
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
STAGES=${SCALE_STAGES:-cluster path embed}
FRAMES=${SCALE_FRAMES:-100}
STEPS=${SCALE_STEPS:-12}
SHARDS=${SCALE_SHARDS:-100}
TRIALS=${SCALE_TRIALS:-1000000 10000000}
TRIALS_N=${SCALE_TRIALS_N:-}
mkdir -p "$OUT"
GEN=$OUT/scalegen
go build -o "$GEN" ./tools/scalegen/cmd/scalegen
has() { [[ " $STAGES " == *" $1 "* ]]; }
if has path; then
  go test -c -o "$OUT/train.test" ./train # BenchmarkStoreStartup, BenchmarkStoreSampler
  if [ -z "$TRIALS_N" ]; then
    for n in $NS; do TRIALS_N=$n; [ "$n" -ge 100000 ] && break; done
  fi
fi
TSV=$OUT/scale.tsv
printf 'stage\tn\tspeakers\tseconds\tpeak_mb\tmr\tari\n' > "$TSV"
CPU=$OUT/scale-cpu.tsv # user + system CPU seconds of each measured process (less moved by load)
printf 'stage\tn\tcpu_s\n' > "$CPU"

# measure STAGE N S LOG CMD...: runs CMD under /usr/bin/time -v, appends a row.
measure() {
  local stage=$1 n=$2 s=$3 log=$4; shift 4
  echo "== $stage N=$n S=$s: $*" >&2
  /usr/bin/time -v "$@" > "$log" 2> "$log.time" || { cat "$log" "$log.time" >&2; exit 1; }
  local sec mb mr ari
  sec=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$log.time")
  mb=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log.time")
  awk -F': ' -v st="$stage" -v n="$n" '/User time/ {u = $2} /System time/ {s = $2} END {printf "%s\t%s\t%.2f\n", st, n, u + s}' "$log.time" >> "$CPU"
  mr=$(sed -n 's/^MR \([0-9.]*\)%.*/\1/p' "$log"); ari=$(sed -n 's/.*ARI \([0-9.]*\).*/\1/p' "$log")
  grep -h '^cluster:' "$log.time" >&2 || true
  row "$stage" "$n" "$s" "$sec" "$mb" "${mr:--}" "${ari:--}"
}

# row STAGE N S SECONDS MB [MR ARI]: appends a row to the table.
row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:--}" "${7:--}" | tee -a "$TSV" >&2
}

# peak LOG: the peak RSS in MB of a measured run.
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1.time"; }

# bench STAGE N S NAME: runs Benchmark NAME of train on the store $d/store and
# appends its seconds per op.
bench() {
  local log=$d.$1.log
  VOXSIAM_BENCH_STORE=$d/store measure "$1-run" "$2" "$3" "$log" "$OUT/train.test" \
    -test.run '^$' -test.bench "^Benchmark$4\$" -test.benchtime "$5"
  sed -i '$d' "$TSV" # the row of the whole test binary: replaced by the benchmark's own time
  row "$1" "$2" "$3" "$(awk '/^Benchmark/ {printf "%.4f", $3 / 1e9}' "$log")" "$(peak "$log")"
}

# stamp: prefixes each line of standard input with the seconds since the epoch.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }

# train_stage N S: a short training run; its log lines are timestamped to
# separate start-up (exec to the first step's line) from the steps.
train_stage() {
  local n=$1 s=$2 log=$d.train.log run=$d/run
  printf '[train]\nlog_every = 1\nval_every = 0\nmr_every = 0\ncheckpoint_every = 100000\n' > "$d/train.toml"
  rm -rf "$run"
  local t0; t0=$(date +%s.%N)
  measure train "$n" "$s" "$log" bash -c "'$VOXSIAM' train --data '$d/store' --out '$run' --config '$d/train.toml' --steps $STEPS | { $(declare -f stamp); stamp; }"
  local mb; mb=$(peak "$log")
  awk -v t0="$t0" -v k="$STEPS" '$2 == "step" && $3 == 1 {f = $1} $2 == "step" && $3 == k {l = $1}
    END { printf "%.3f %.4f\n", f - t0, (l - f) / (k - 1) }' "$log" | {
    read -r first step
    row train-first-step "$n" "$s" "$first" "$mb"
    row train-step "$n" "$s" "$step" "$mb"
  }
}

# path_stages N S: the rest of the path on the store of N utterances.
path_stages() {
  local n=$1 s=$2
  bench train-setup "$n" "$s" StoreStartup 5x
  bench sampler "$n" "$s" StoreSampler 500x
  train_stage "$n" "$s"
  rm -rf "$d/lists"
  measure split "$n" "$s" "$d.split.log" "$VOXSIAM" split --store "$d/store" --out "$d/lists" --zhaw
  rm -rf "$d/shards" "$d/merged-emb" "$d/merged-store"
  measure shards "$n" "$s" "$d.shards.log" "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d/gen-shards" -store -frames "$FRAMES" -shards "$SHARDS"
  measure merge-emb "$n" "$s" "$d.merge-emb.log" "$VOXSIAM" merge --out "$d/merged-emb" "$d"/gen-shards/shards/*/emb
  measure merge-store "$n" "$s" "$d.merge-store.log" "$VOXSIAM" merge --out "$d/merged-store" "$d"/gen-shards/shards/*/store
  rm -rf "$d/gen-shards" "$d/merged-store" "$d/run" "$d/lists"
}

for n in $NS; do
  s=${SCALE_SPEAKERS:-$(( n / 100 < 1000 ? n / 100 : 1000 ))}
  d=$OUT/n$n
  measure gen "$n" "$s" "$d.gen.log" "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d"
  if [ "$n" -le "$STORE_MAX" ]; then
    measure store "$n" "$s" "$d.store.log" "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d" -store -embeddings=false -frames "$FRAMES"
  fi
  if has cluster; then
    cut=(--embeddings "$d/emb" --speakers "$s" --out "$d/clusters.txt")
    measure cluster "$n" "$s" "$d.cluster.log" "$VOXSIAM" cluster "${cut[@]}"
    if [ "$n" -le "$EXACT_MAX" ]; then
      measure cluster-exact "$n" "$s" "$d.exact.log" "$VOXSIAM" cluster "${cut[@]}" --path exact
    fi
    if [ -n "$OLD" ] && [ "$n" -le "$OLD_MAX" ]; then
      measure cluster-old "$n" "$s" "$d.old.log" "$OLD" cluster "${cut[@]}"
    fi
  fi
  if has path && [ "$n" -le "$STORE_MAX" ]; then
    path_stages "$n" "$s"
  fi
  if has path && [ "$n" = "$TRIALS_N" ]; then
    for m in $TRIALS; do
      "$GEN" -n "$n" -speakers "$s" -within "$WITHIN" -out "$d" -embeddings=false -trials "$m"
      measure score "$m" "$s" "$d.score$m.log" "$VOXSIAM" score --embeddings "$d/emb" --trials "$d/trials-$m.txt" --out "$d/scores-$m.txt"
      rm -f "$d/trials-$m.txt" "$d/scores-$m.txt"
    done
  fi
  if has embed && [ "$n" -le "$STORE_MAX" ]; then
    rm -rf "$d/embedded"
    measure embed "$n" "$s" "$d.embed.log" "$VOXSIAM" embed --in "$d/store" --out "$d/embedded"
    rm -rf "$d/embedded"
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
