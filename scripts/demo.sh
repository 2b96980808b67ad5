#!/usr/bin/env bash
# make demo: synthesize a multi-speaker corpus, extract features, split speakers
# by base voice (test voices are never seen in training), train the siamese
# BLSTM with the PKLD loss, export a SavedModel, embed the held-out speakers
# (ZHAW protocol: two utterances per speaker), cluster them and write a report.
#
# Every step is a plain voxsiam command; override the sizes with environment
# variables (DEMO_SPEAKERS, DEMO_UTTERANCES, DEMO_STEPS, DEMO_OUT, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

VOXSIAM=${VOXSIAM:-bin/voxsiam}
OUT=${DEMO_OUT:-demo}
SPEAKERS=${DEMO_SPEAKERS:-120}
UTTERANCES=${DEMO_UTTERANCES:-10}
VAL=${DEMO_VAL:-10}
TEST=${DEMO_TEST:-30}
STEPS=${DEMO_STEPS:-400}
SEED=${DEMO_SEED:-1}

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
start=$(date +%s)
mkdir -p "$OUT"

[ -f "$OUT/corpus/speakers.tsv" ] ||
  step "1/7 synthesize $SPEAKERS speakers x $UTTERANCES utterances" \
    "$VOXSIAM" corpus synth --speakers "$SPEAKERS" --utterances "$UTTERANCES" --seed "$SEED" --out "$OUT/corpus"
[ -f "$OUT/store/manifest.tsv" ] ||
  step "2/7 log-mel features into a feature store" \
    "$VOXSIAM" features --layout plain --in "$OUT/corpus" --out "$OUT/store"
step "3/7 speaker split by base voice (+ ZHAW two-utterance test and validation stores)" \
  "$VOXSIAM" split --store "$OUT/store" --out "$OUT/splits" --val "$VAL" --test "$TEST" --seed "$SEED" --zhaw
rm -rf "$OUT/run"
step "4/7 train $STEPS mini-batches (reference network and loss)" \
  "$VOXSIAM" train --config scripts/demo.toml --data "$OUT/store" --out "$OUT/run" \
    --train-speakers "$OUT/splits/train.list" --val-speakers "$OUT/splits/val.list" \
    --steps "$STEPS" --seed "$SEED"
step "    training curves" "$VOXSIAM" plot --run "$OUT/run"
rm -rf "$OUT/model"
step "5/7 export the best checkpoint as a SavedModel" \
  "$VOXSIAM" export --run "$OUT/run" --checkpoint best --out "$OUT/model"
rm -rf "$OUT/emb" "$OUT/emb-val"
step "6/7 embed held-out test speakers (and validation speakers for thresholds)" \
  "$VOXSIAM" embed --model "$OUT/model" --in "$OUT/splits/test-zhaw" --out "$OUT/emb"
"$VOXSIAM" embed --model "$OUT/model" --in "$OUT/splits/val-zhaw" --out "$OUT/emb-val"
step "7/7 cluster (threshold tuned on the validation speakers) and evaluate" \
  "$VOXSIAM" cluster --embeddings "$OUT/emb" --dev "$OUT/emb-val" --out "$OUT/clusters.txt"
"$VOXSIAM" eval --embeddings "$OUT/emb" --dev "$OUT/emb-val" --out "$OUT/report" > "$OUT/report.txt"

secs=$(( $(date +%s) - start ))
printf '\n== summary (%d s)\n' "$secs"
grep -v '^report:' "$OUT/report.txt"
echo "MR: exact (optimal speaker-cluster mapping); ZHAW: the greedy approximation of the ZHAW reference code"
echo "report: $OUT/report/report.md (plots: $OUT/report/*.png; training curves: $OUT/run/plots/)"
echo "model:  $OUT/model (SavedModel: serving_default, distribution, pair_distance)"
