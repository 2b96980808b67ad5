#!/usr/bin/env bash
# Real-voice evaluation: a model next to the non-neural baseline, in the same
# run, on real speakers that no model saw in training (the held-out test
# speakers of scripts/model.sh's real-speaker split; thresholds and the
# clustering cut are tuned on the held-out validation speakers).
#
# Two protocols:
#   clustering   ZHAW: two utterances per test speaker (80% and 20% of their
#                recordings concatenated); agglomerative clustering, exact MR
#                at the cut tuned on the validation speakers and at the true
#                speaker count.
#   verification every single recording of the test speakers, all pairs
#                scored by cosine: EER and minDCF.
#
#   REAL_DATA   directory that scripts/model.sh built (store-real, splits-real)
#   REAL_OUT    output directory (default $REAL_DATA/realeval)
#   MODELS      space-separated "name=SavedModel-dir" (default: shipped=<default model>)
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
DATA=${REAL_DATA:-model-build}
OUT=${REAL_OUT:-$DATA/realeval}
MODELS=${MODELS:-shipped=}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
SPL=$DATA/splits-real
mkdir -p "$OUT"

# embeddings of one system for the four inputs
embed_all() { # name cmd...
  local name=$1; shift
  "$@" --in "$SPL/test-zhaw" --out "$OUT/$name/zhaw-test" >/dev/null
  "$@" --in "$SPL/val-zhaw" --out "$OUT/$name/zhaw-val" >/dev/null
  "$@" --in "$DATA/store-real" --speakers "$SPL/test.list" --out "$OUT/$name/single-test" >/dev/null
  "$@" --in "$DATA/store-real" --speakers "$SPL/val.list" --out "$OUT/$name/single-val" >/dev/null
}
evaluate() { # name
  local name=$1
  "$VOXSIAM" eval --embeddings "$OUT/$name/zhaw-test" --dev "$OUT/$name/zhaw-val" --out "$OUT/$name/report-zhaw" > "$OUT/$name/zhaw.txt"
  "$VOXSIAM" eval --embeddings "$OUT/$name/single-test" --dev "$OUT/$name/single-val" --out "$OUT/$name/report-single" > "$OUT/$name/single.txt"
  local mrdev mrtrue eerz eers mrs
  mrdev=$(awk '/^dev_threshold/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$OUT/$name/zhaw.txt")
  mrtrue=$(awk '/^true_speakers/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$OUT/$name/zhaw.txt")
  eerz=$(awk '/^EER/{print $2; exit}' "$OUT/$name/zhaw.txt")
  eers=$(awk '/^EER/{print $2; exit}' "$OUT/$name/single.txt")
  mrs=$(awk '/^true_speakers/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$OUT/$name/single.txt")
  printf '| %-28s | %8s | %8s | %8s | %8s | %8s |\n' "$name" "$eers" "$eerz" "$mrdev" "$mrtrue" "$mrs"
}

echo "== baseline: log-mel + MFCC statistics (no training)"
embed_all baseline "$VOXSIAM" baseline
for m in $MODELS; do
  name=${m%%=*}; dir=${m#*=}
  echo "== model $name ${dir:-(default model)}"
  if [ -n "$dir" ]; then embed_all "$name" "$VOXSIAM" embed --model "$dir"; else embed_all "$name" "$VOXSIAM" embed; fi
done
ntest=$(wc -l < "$SPL/test.list"); nsingle=$(wc -l < "$OUT/baseline/single-test/utt.list")
{
  printf '\nReal-voice evaluation: %d held-out test speakers (%s), %d single recordings\n\n' "$ntest" "$(paste -sd' ' "$SPL/test.list")" "$nsingle"
  printf '| %-28s | %8s | %8s | %8s | %8s | %8s |\n' system "EER 1-rec" "EER ZHAW" "MR dev" "MR true-n" "MR 1-rec"
  printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------ ---------- ---------- ---------- ---------- ----------
  evaluate baseline
  for m in $MODELS; do evaluate "${m%%=*}"; done
  printf '\nEER 1-rec: all pairs of single recordings; EER ZHAW: pairs of the two-utterance protocol;\nMR dev: exact MR, ZHAW protocol, cut tuned on the validation speakers; MR true-n: cut at the true\nspeaker count; MR 1-rec: single recordings clustered at the true count.\n'
} | tee "$OUT/summary.md"
