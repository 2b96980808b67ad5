#!/usr/bin/env bash
# Real-voice protocol v2 (docs/results/protocol-v2.md): the speaker lists of
# scripts/protocol/v2, derived by a fixed rule before any arm is trained.
#
#   dev (>= 20)  the 8 validation speakers of v1 (embed/defaultmodel/heldout/
#                val.list) plus whole groups of v1's real training speakers
#                (a language's ktuberling and klettres speakers are one group,
#                store-real/speakers.tsv), taken in the order of
#                sha256("voxsiam-protocol-v2 <group>") until dev has >= 20
#   test-v1      v1's 16 test speakers (embed/defaultmodel/heldout/test.list)
#   test-uqm     the 12 credited uqm actors (corpus real --sources uqm), a
#                source no model has trained on
#   train-real   the real speakers left for training (v1's minus the ones dev
#                took, listed in removed-from-training.list)
#   <set>.utt    the recordings scored of dev, test-v1 and test-uqm: per speaker
#                at most CAP (100), the first by sha256("voxsiam-protocol-v2
#                <utterance>") (scripts/protocol/cap.py), so that no speaker's
#                pairs outweigh the rest (gcin-3 has 1,200 recordings)
#
#   REAL_DATA  directory with store-real (scripts/model.sh; default model-build)
#   UQM        the uqm corpus directory (its speakers.tsv; default
#              $REAL_DATA/real-uqm)
#   CHECK=1    compare with the committed lists instead of writing them
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${REAL_DATA:-model-build}
UQM=${UQM:-$DATA/real-uqm}
MIN_DEV=${MIN_DEV:-20}
CAP=${CAP:-100}
SPK=$DATA/store-real/speakers.tsv
HO=embed/defaultmodel/heldout
P=scripts/protocol/v2
DST=$P
[ "${CHECK:-0}" = 1 ] && DST=$(mktemp -d)
for f in "$SPK" "$DATA/store-real/manifest.tsv" "$UQM/speakers.tsv" "$UQM/utterances.tsv" "$HO/val.list" "$HO/test.list"; do
  [ -f "$f" ] || { echo "realsplit: $f is missing" >&2; exit 2; }
done
mkdir -p "$DST"
awk -F'\t' 'NR>1{print $1}' "$SPK" | sort > "$DST/all-real.tmp"
sort "$HO/val.list" "$HO/test.list" > "$DST/heldout.tmp"
comm -23 "$DST/all-real.tmp" "$DST/heldout.tmp" > "$DST/train-v1.tmp"
# whole groups of v1's training speakers, in the hash order
awk -F'\t' 'NR==FNR{t[$1]=1;next} FNR>1 && ($1 in t){print $2}' "$DST/train-v1.tmp" "$SPK" | sort -u |
  while read -r g; do printf '%s %s\n' "$(printf 'voxsiam-protocol-v2 %s' "$g" | sha256sum | cut -c1-16)" "$g"; done |
  sort | cut -d' ' -f2 > "$DST/groups.tmp"
{
  cat "$HO/val.list"; n=$(wc -l < "$HO/val.list")
  while read -r g; do
    [ "$n" -ge "$MIN_DEV" ] && break
    m=$(awk -F'\t' -v g="$g" 'NR>1 && $2==g{print $1}' "$SPK")
    echo "$m"; n=$((n + $(echo "$m" | wc -l)))
  done < "$DST/groups.tmp"
} | sort > "$DST/dev.list"
sort "$HO/test.list" > "$DST/test-v1.list"
awk -F'\t' 'NR>1{print $1}' "$UQM/speakers.tsv" | sort > "$DST/test-uqm.list"
comm -23 "$DST/dev.list" <(sort "$HO/val.list") > "$DST/removed-from-training.list"
comm -23 "$DST/train-v1.tmp" "$DST/removed-from-training.list" > "$DST/train-real.list"
rm -f "$DST"/*.tmp
for f in dev test-v1; do python3 scripts/protocol/cap.py list "$CAP" "$DST/$f.list" "$DATA/store-real/manifest.tsv" > "$DST/$f.utt"; done
python3 scripts/protocol/cap.py list "$CAP" "$DST/test-uqm.list" "$UQM/utterances.tsv" > "$DST/test-uqm.utt"
# disjointness: dev, test-v1, test-uqm and train-real share no speaker
cat "$DST/dev.list" "$DST/test-v1.list" "$DST/test-uqm.list" "$DST/train-real.list" | sort | uniq -d |
  { if read -r d; then echo "realsplit: speaker $d is in two sets" >&2; exit 1; fi; }
if [ "${CHECK:-0}" = 1 ]; then
  for f in dev.list test-v1.list test-uqm.list train-real.list removed-from-training.list dev.utt test-v1.utt test-uqm.utt; do
    cmp -s "$DST/$f" "$P/$f" || { echo "realsplit: $P/$f differs from the rule's" >&2; diff "$P/$f" "$DST/$f" >&2 | head -5 || true; exit 1; }
  done
  rm -r "$DST"
  echo "realsplit: $P agrees with the rule"
else
  wc -l "$DST"/*.list "$DST"/*.utt
fi
