#!/usr/bin/env bash
# make demo: synthesize a multi-speaker corpus, extract features, split speakers
# by base voice (test voices are never seen in training), train the siamese
# BLSTM with the PKLD loss, export a SavedModel, embed the held-out speakers
# (ZHAW protocol: two utterances per speaker), cluster them and write a report,
# then the same evaluation of the non-neural baseline (log-mel/MFCC statistics)
# on the same stores: the floor the model has to beat.
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
  step "1/9 synthesize $SPEAKERS speakers x $UTTERANCES utterances" \
    "$VOXSIAM" corpus synth --speakers "$SPEAKERS" --utterances "$UTTERANCES" --seed "$SEED" --out "$OUT/corpus"
[ -f "$OUT/store/manifest.tsv" ] ||
  step "2/9 log-mel features into a feature store" \
    "$VOXSIAM" features --layout plain --in "$OUT/corpus" --out "$OUT/store"
step "3/9 speaker split by base voice (+ ZHAW two-utterance test and validation stores)" \
  "$VOXSIAM" split --store "$OUT/store" --out "$OUT/splits" --val "$VAL" --test "$TEST" --seed "$SEED" --zhaw
rm -rf "$OUT/run"
step "4/9 train $STEPS mini-batches (reference network and loss)" \
  "$VOXSIAM" train --config scripts/demo.toml --data "$OUT/store" --out "$OUT/run" \
    --train-speakers "$OUT/splits/train.list" --val-speakers "$OUT/splits/val.list" \
    --steps "$STEPS" --seed "$SEED"
step "    training curves" "$VOXSIAM" plot --run "$OUT/run"
rm -rf "$OUT/model"
step "5/9 export the best checkpoint as a SavedModel" \
  "$VOXSIAM" export --run "$OUT/run" --checkpoint best --out "$OUT/model"
rm -rf "$OUT/emb" "$OUT/emb-val"
step "6/9 embed held-out test speakers (and validation speakers for thresholds)" \
  "$VOXSIAM" embed --model "$OUT/model" --in "$OUT/splits/test-zhaw" --out "$OUT/emb"
"$VOXSIAM" embed --model "$OUT/model" --in "$OUT/splits/val-zhaw" --out "$OUT/emb-val"
step "7/9 cluster (threshold tuned on the validation speakers) and evaluate" \
  "$VOXSIAM" cluster --embeddings "$OUT/emb" --dev "$OUT/emb-val" --out "$OUT/clusters.txt"
"$VOXSIAM" eval --embeddings "$OUT/emb" --dev "$OUT/emb-val" --out "$OUT/report" > "$OUT/report.txt"
rm -rf "$OUT/baseline" "$OUT/baseline-val"
step "8/9 non-neural baseline on the same speakers (log-mel and MFCC mean+std per utterance)" \
  "$VOXSIAM" baseline --in "$OUT/splits/test-zhaw" --out "$OUT/baseline"
"$VOXSIAM" baseline --in "$OUT/splits/val-zhaw" --out "$OUT/baseline-val"
"$VOXSIAM" eval --embeddings "$OUT/baseline" --dev "$OUT/baseline-val" --out "$OUT/baseline-report" > "$OUT/baseline-report.txt"

# Real voices: the shipped default model (embed/defaultmodel) on real
# speakers that it never saw in training, next to the non-neural baseline.
# The held-out speakers are recomputed here with scripts/model.sh's split
# and checked against the model card's lists.
if [ "${DEMO_REAL:-1}" = 1 ]; then
  [ -f "$OUT/real/speakers.tsv" ] ||
    step "9/9 real voices from Debian packages (apt-get download; 0ad-data is 1.4 GB)" \
      "$VOXSIAM" corpus real --sources ktuberling,klettres,gcin,0ad --out "$OUT/real" --cache "$OUT/debs"
  [ -f "$OUT/store-real/manifest.tsv" ] ||
    step "    their features" "$VOXSIAM" features --vad --layout plain --in "$OUT/real" --out "$OUT/store-real"
  step "    the held-out real speakers of the shipped model" \
    "$VOXSIAM" split --store "$OUT/store-real" --out "$OUT/splits-real" --val 8 --test 16 --seed 1 --zhaw
  for l in test val; do
    cmp -s "$OUT/splits-real/$l.list" "embed/defaultmodel/heldout/$l.list" || {
      echo "demo: $OUT/splits-real/$l.list differs from embed/defaultmodel/heldout/$l.list: the real corpus is not the one the shipped model was split on" >&2
      exit 1
    }
  done
  # DEMO_REAL_MODELS adds models (e.g. "demo-synthetic-400=$OUT/model", this
  # demo's model); DEMO_BACKENDS sets the back-ends (docs/results/real-voices.md has the
  # AS-norm rows too: BACKENDS of scripts/realeval.sh). The defaults keep the
  # demo within 15 minutes.
  step "    the shipped model next to the baseline" \
    env REAL_DATA="$OUT" REAL_OUT="$OUT/realeval" MODELS="shipped= ${DEMO_REAL_MODELS:-}" \
    BACKENDS="${DEMO_BACKENDS:-cosine norm plda}" scripts/realeval.sh
fi

secs=$(( $(date +%s) - start ))
printf '\n== summary (%d s)\n' "$secs"
grep -v '^report:' "$OUT/report.txt"
echo "-- baseline (log-mel/MFCC statistics, no training), same speakers and protocol:"
grep -v '^report:' "$OUT/baseline-report.txt"
echo "MR: exact (optimal speaker-cluster mapping); ZHAW: the greedy approximation of the ZHAW reference code"
echo "report: $OUT/report/report.md (plots: $OUT/report/*.png; training curves: $OUT/run/plots/)"
echo "baseline report: $OUT/baseline-report/report.md"
echo "model:  $OUT/model (SavedModel: serving_default, distribution, pair_distance)"
if [ -f "$OUT/realeval/summary.md" ]; then cat "$OUT/realeval/summary.md"; fi
