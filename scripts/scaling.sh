#!/usr/bin/env bash
# Training that scales with speakers: the published sampler ("random": each of
# the 100 segments from a random speaker) next to P x K batches ("pk": 25
# speakers x 4 segments) at several training-speaker counts, same network,
# loss, learning rate, seed and validation speakers (the held-out real
# validation speakers of scripts/model.sh). Writes validation curves per run
# and one table, $OUT/scaling.md.
#
# Needs what scripts/model.sh built (SC_DATA, default model-build: store/,
# train.list, splits-real/val.list). Resumable: finished runs are kept, an
# interrupted one resumes.
#   SC_DATA      model.sh's MODEL_OUT         SC_OUT    output (default $SC_DATA/scaling)
#   SC_SPEAKERS  training-speaker counts ("80 170 242"; nested subsets of train.list)
#   SC_SAMPLING  samplers ("random pk")       SC_STEPS  mini-batches per run (500)
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
PY=${VOXSIAM_PYTHON:-python3}
DATA=${SC_DATA:-model-build}
OUT=${SC_OUT:-$DATA/scaling}
COUNTS=${SC_SPEAKERS:-80 170 242}
SAMPLERS=${SC_SAMPLING:-random pk}
STEPS=${SC_STEPS:-500}
step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
mkdir -p "$OUT"

# Nested subsets: the training speakers ordered by a hash of their name.
while read -r s; do printf '%s %s\n' "$(printf %s "$s" | sha256sum | cut -c1-16)" "$s"; done < "$DATA/train.list" |
  sort | cut -d' ' -f2 > "$OUT/order.list"
# Validation every 50 steps, no clustering MR, one checkpoint at the end.
sed -e 's/^val_every = .*/val_every = 50/' -e 's/^mr_every = .*/mr_every = 0/' \
  -e "s/^checkpoint_every = .*/checkpoint_every = $STEPS/" scripts/model.toml > "$OUT/config.toml"

for n in $COUNTS; do
  head -n "$n" "$OUT/order.list" | sort > "$OUT/train-$n.list"
  [ "$(wc -l < "$OUT/train-$n.list")" = "$n" ] || { echo "scaling: train.list has fewer than $n speakers" >&2; exit 1; }
  for smp in $SAMPLERS; do
    run=$OUT/$smp-$n
    if [ -f "$run/checkpoints/ckpt-$STEPS.index" ]; then continue; fi
    if [ -f "$run/config.toml" ]; then
      step "resume $smp, $n speakers" "$VOXSIAM" train --resume "$run" --steps "$STEPS"
    else
      step "$smp sampling, $n speakers" "$VOXSIAM" train --config "$OUT/config.toml" --data "$DATA/store" \
        --out "$run" --train-speakers "$OUT/train-$n.list" --val-speakers "$DATA/splits-real/val.list" \
        --sampling "$smp" --steps "$STEPS" --seed 1
    fi
    "$VOXSIAM" plot --run "$run" >/dev/null
  done
done

# One table: training loss and validation EER by step, per run.
"$PY" - "$OUT" $COUNTS -- $SAMPLERS > "$OUT/scaling.md" <<'EOF'
import json, sys
out = sys.argv[1]
i = sys.argv.index("--")
counts, samplers = sys.argv[2:i], sys.argv[i + 1:]
runs = [(s, n) for n in counts for s in samplers]
rows = {}
import os
runs = [(s, n) for s, n in runs if os.path.exists(f"{out}/{s}-{n}/metrics.jsonl")]
for s, n in runs:
    for line in open(f"{out}/{s}-{n}/metrics.jsonl"):
        r = json.loads(line)
        if "val_eer" in r:
            rows.setdefault(r["step"], {})[(s, n)] = (r["loss"], r["val_eer"])
print("| step | " + " | ".join(f"{s}, {n} spk: loss / val EER" for s, n in runs) + " |")
print("|---:|" + "---:|" * len(runs))
for step in sorted(rows):
    cells = [rows[step].get(k) for k in runs]
    print(f"| {step} | " + " | ".join(f"{c[0]:.2f} / {100 * c[1]:.1f}%" if c else "" for c in cells) + " |")
EOF
cat "$OUT/scaling.md"
