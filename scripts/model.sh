#!/usr/bin/env bash
# make model: build the training data of the shipped default model and train
# it, reproducibly. Synthetic voices (corpus synth) and real recorded voices
# from Debian packages (corpus real) are trained on together; whole real
# speakers are held out for validation and for the real-voice test protocol
# (scripts/realeval.sh), which never sees them in training.
#
# Resumable: every step skips what a previous run finished; an interrupted
# training continues with `voxsiam train --resume` (Ctrl-C checkpoints).
# Two stages: (1) MODEL_STEPS mini-batches of scripts/model.toml (P×K
# batches, every speaker its own class); (2) from stage 1's best checkpoint
# (step 3,000), 1,000 more steps with the synthetic speakers labelled by base
# voice and the real training speakers drawn three times as often
# (scripts/ablate.sh's labels-realw arm), its step-3,500 checkpoint exported:
# the step at which the ablation arms were compared on the validation speakers.
#   MODEL_OUT    work directory (default model-build)
#   MODEL_STEPS  stage-1 mini-batches (default 3000)
#   MODEL_STAGE2=0  stop after stage 1 and export its best checkpoint
#   MODEL_INSTALL=1  copy the exported SavedModel to embed/defaultmodel/
set -euo pipefail
cd "$(dirname "$0")/.."

VOXSIAM=${VOXSIAM:-bin/voxsiam}
OUT=${MODEL_OUT:-model-build}
STEPS=${MODEL_STEPS:-3000}
SEED=${MODEL_SEED:-1}
step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
mkdir -p "$OUT"

# 1. corpora. Synthetic: 200 speakers x 20 utterances (seed 2).
[ -f "$OUT/synth/speakers.tsv" ] ||
  step "synthetic corpus" "$VOXSIAM" corpus synth --speakers 200 --utterances 20 --seed 2 --out "$OUT/synth"
# Real, in two parts: speakers whose identity is documented per file (held-out
# test and validation speakers come only from these) and hedgewars voice packs
# (actors not credited per pack: training only).
[ -f "$OUT/real/speakers.tsv" ] ||
  step "real voices (evaluation-grade identities)" \
  "$VOXSIAM" corpus real --sources ktuberling,klettres,gcin,0ad --out "$OUT/real" --cache "$OUT/debs"
[ -f "$OUT/real-train/speakers.tsv" ] ||
  step "real voices (training only)" \
  "$VOXSIAM" corpus real --sources hedgewars --out "$OUT/real-train" --cache "$OUT/debs"

# 2. one training tree (hard links) with one speakers.tsv (speaker, group).
if [ ! -f "$OUT/all/speakers.tsv" ]; then
  rm -rf "$OUT/all.partial" && mkdir -p "$OUT/all.partial"
  printf 'speaker\tgroup\n' > "$OUT/all.partial/speakers.tsv"
  for c in synth real real-train; do
    cp -al "$OUT/$c"/*/ "$OUT/all.partial/"
    awk -F'\t' 'NR==1{for(i=1;i<=NF;i++){if($i=="speaker")s=i; if($i=="group"||$i=="base_voice")g=i}; next} {print $s "\t" $g}' \
      "$OUT/$c/speakers.tsv" >> "$OUT/all.partial/speakers.tsv"
  done
  mv "$OUT/all.partial" "$OUT/all"
fi

# 3. features (VAD trims leading/trailing silence of the word recordings).
[ -f "$OUT/store/manifest.tsv" ] ||
  step "features of the training tree" "$VOXSIAM" features --vad --layout plain --in "$OUT/all" --out "$OUT/store"
[ -f "$OUT/store-real/manifest.tsv" ] ||
  step "features of the real evaluation-grade voices" "$VOXSIAM" features --vad --layout plain --in "$OUT/real" --out "$OUT/store-real"

# 4. held-out real speakers: 16 test, 8 validation (whole groups: a language's
# ktuberling and klettres speakers stay together), with the ZHAW stores.
step "real-speaker split" "$VOXSIAM" split --store "$OUT/store-real" --out "$OUT/splits-real" \
  --val 8 --test 16 --seed "$SEED" --zhaw
cut -f2 "$OUT/store/manifest.tsv" | tail -n +2 | sort -u > "$OUT/all-speakers.list"
sort "$OUT/splits-real/val.list" "$OUT/splits-real/test.list" > "$OUT/held-out.list"
comm -23 "$OUT/all-speakers.list" "$OUT/held-out.list" > "$OUT/train.list"
echo "training speakers: $(wc -l < "$OUT/train.list") ($(grep -vc '^spk' "$OUT/train.list" || true) real)"

# 5. train (resumes a run that was interrupted), export the best checkpoint.
if [ -f "$OUT/run/config.toml" ]; then
  step "resume training" "$VOXSIAM" train --resume "$OUT/run" --steps "$STEPS"
else
  step "train $STEPS mini-batches" "$VOXSIAM" train --config scripts/model.toml --data "$OUT/store" \
    --out "$OUT/run" --train-speakers "$OUT/train.list" --val-speakers "$OUT/splits-real/val.list" \
    --steps "$STEPS" --seed "$SEED"
fi
"$VOXSIAM" plot --run "$OUT/run"
rm -rf "$OUT/model"
if [ "${MODEL_STAGE2:-1}" = 0 ]; then
  step "export" "$VOXSIAM" export --run "$OUT/run" --checkpoint best --out "$OUT/model"
else
  # 6. stage 2: ablate.sh's arm (a copy of the run at its best checkpoint,
  # config edited, resumed 1,000 steps); the shipped checkpoint is 500 in.
  step "stage 2: base-voice labels, real speakers x3" env ABL_DATA="$OUT" ABL_ARMS=labels-realw ABL_STEPS=1000 ABL_EVAL=0 \
    VOXSIAM="$VOXSIAM" scripts/ablate.sh
  B=$(cat "$OUT/run/checkpoints/best"); B=${B#ckpt-}
  step "export" "$VOXSIAM" export --run "$OUT/abl-labels-realw" --checkpoint $((B + 500)) --out "$OUT/model"
fi
if [ "${MODEL_INSTALL:-0}" = 1 ]; then
  rm -rf embed/defaultmodel/savedmodel && cp -r "$OUT/model" embed/defaultmodel/savedmodel
  echo "installed: embed/defaultmodel/savedmodel"
fi
