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
#   BACKENDS    scoring back-ends (default "cosine norm plda norm+asnorm plda+asnorm";
#               norm and plda are trained on the real training speakers' single
#               recordings; "+asnorm" adds AS-norm of the verification scores
#               with those same recordings as the cohort, also "cosine+asnorm")
#   ASNORM_TOPK cohort scores kept per side by AS-norm (default 300, WeSpeaker's;
#               at most the cohort's size)
#   PEERS       pretrained peer encoders embedded from the same recordings
#               (scripts/peers, docs/peers.md; default "resemblyzer campplus" when
#               .peers-venv exists, from `make peers`; "" for none). Their rows are
#               named peer-<name>; their outputs resume when a run is interrupted.
#   PEERS_THREADS torch threads of each peer process (default 1; 0: one per core;
#               docs/peers.md: 2 threads were several times slower on a shared 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
DATA=${REAL_DATA:-model-build}
OUT=${REAL_OUT:-$DATA/realeval}
MODELS=${MODELS:-shipped=}
BACKENDS=${BACKENDS:-cosine norm plda norm+asnorm plda+asnorm}
ASNORM_TOPK=${ASNORM_TOPK:-300}
SPL=$DATA/splits-real
PEERS_PY=${PEERS_PY:-.peers-venv/bin/python}
if [ -z "${PEERS+set}" ]; then
  if [ -x "$PEERS_PY" ]; then PEERS="resemblyzer campplus"; else
    PEERS=""; echo "== peers skipped: no $PEERS_PY (make peers installs them, docs/peers.md)"
  fi
fi
mkdir -p "$OUT"

# embeddings of one system for the four inputs
embed_all() { # name cmd...
  local name=$1; shift
  "$@" --in "$SPL/test-zhaw" --out "$OUT/$name/zhaw-test" >/dev/null
  "$@" --in "$SPL/val-zhaw" --out "$OUT/$name/zhaw-val" >/dev/null
  "$@" --in "$DATA/store-real" --speakers "$SPL/test.list" --out "$OUT/$name/single-test" >/dev/null
  "$@" --in "$DATA/store-real" --speakers "$SPL/val.list" --out "$OUT/$name/single-val" >/dev/null
  # the training speakers' recordings train the back-ends and are the AS-norm cohort
  [ "$BACKENDS" = cosine ] ||
    "$@" --in "$DATA/store-real" --speakers "$SPL/train.list" --out "$OUT/$name/single-train" >/dev/null
}
evaluate() { # name backend: cosine, or norm/plda trained on the real training speakers' recordings; +asnorm: AS-norm against them
  local name=$1 be=${2%+asnorm} tag=$1 r
  local -a bf=()
  if [ "$be" != cosine ]; then
    tag="$name + $be"
    bf=(--backend "$be" --backend-train "$OUT/$name/single-train")
  fi
  if [ "$2" != "$be" ]; then
    tag="$tag + AS-norm"
    bf+=(--asnorm-cohort "$OUT/$name/single-train" --topk "$ASNORM_TOPK")
  fi
  r="$OUT/$name/$2"
  mkdir -p "$r"
  "$VOXSIAM" eval --embeddings "$OUT/$name/zhaw-test" --dev "$OUT/$name/zhaw-val" "${bf[@]}" --out "$r/report-zhaw" > "$r/zhaw.txt"
  "$VOXSIAM" eval --embeddings "$OUT/$name/single-test" --dev "$OUT/$name/single-val" "${bf[@]}" --out "$r/report-single" > "$r/single.txt"
  name=$tag
  local mrdev mrtrue eerz eers mrs
  mrdev=$(awk '/^dev_threshold/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$r/zhaw.txt")
  mrtrue=$(awk '/^true_speakers/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$r/zhaw.txt")
  eerz=$(awk '/^EER/{print $2; exit}' "$r/zhaw.txt")
  eers=$(awk '/^EER/{print $2; exit}' "$r/single.txt")
  mrs=$(awk '/^true_speakers/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$r/single.txt")
  if [ "$2" != "$be" ]; then mrdev=n/a; mrtrue=n/a; mrs=n/a; fi # AS-norm leaves the clustering to the back-end
  printf '| %-28s | %8s | %8s | %8s | %8s | %8s |\n' "$name" "$eers" "$eerz" "$mrdev" "$mrtrue" "$mrs"
}

echo "== baseline: log-mel + MFCC statistics (no training)"
embed_all baseline "$VOXSIAM" baseline
for m in $MODELS; do
  name=${m%%=*}; dir=${m#*=}
  echo "== model $name ${dir:-(default model)}"
  if [ -n "$dir" ]; then embed_all "$name" "$VOXSIAM" embed --model "$dir"; else embed_all "$name" "$VOXSIAM" embed; fi
done
for p in $PEERS; do
  echo "== peer $p (pretrained; scripts/peers/peers.py)"
  embed_all "peer-$p" "$PEERS_PY" scripts/peers/peers.py --peer "$p" --threads "${PEERS_THREADS:-1}" --skip-done
done
ntest=$(wc -l < "$SPL/test.list"); nsingle=$(wc -l < "$OUT/baseline/single-test/utt.list")
{
  printf '\nReal-voice evaluation: %d held-out test speakers (%s), %d single recordings\n\n' "$ntest" "$(paste -sd' ' "$SPL/test.list")" "$nsingle"
  printf '| %-28s | %8s | %8s | %8s | %8s | %8s |\n' system "EER 1-rec" "EER ZHAW" "MR dev" "MR true-n" "MR 1-rec"
  printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------ ---------- ---------- ---------- ---------- ----------
  for be in $BACKENDS; do evaluate baseline "$be"; done
  for m in $MODELS; do for be in $BACKENDS; do evaluate "${m%%=*}" "$be"; done; done
  for p in $PEERS; do for be in $BACKENDS; do evaluate "peer-$p" "$be"; done; done
  printf '\nEER 1-rec: all pairs of single recordings; EER ZHAW: pairs of the two-utterance protocol;\nMR dev: exact MR, ZHAW protocol, cut tuned on the validation speakers; MR true-n: cut at the true\nspeaker count; MR 1-rec: single recordings clustered at the true count. Back-ends: norm = mean subtraction +\nlength normalisation, plda = LDA + two-covariance PLDA, both trained on the real training speakers;\nAS-norm normalises each verification score by the top-%d scores of either side against the same\ntraining recordings (clustering is not normalised: its MR columns are those of the row without it).\n' "$ASNORM_TOPK"
  [ -z "$PEERS" ] || printf 'peer-*: pretrained encoders trained on other corpora (docs/peers.md), embedded from the recordings\nthe stores were computed from (VAD-trimmed like them; ZHAW utterances are their recordings concatenated).\n'
} | tee "$OUT/summary.md"
