# Protocol v2 of scripts/realeval.sh (PROTOCOL=v2; sourced by it, after its
# settings): the lists of scripts/protocol/v2 (scripts/realsplit.sh, fixed
# before any arm is trained). Verification and clustering of single
# recordings (at most 100 per speaker, scripts/protocol/v2/*.utt), every EER with its 95% interval over speakers (voxsiam eval
# --bootstrap, 1000 resamples, seed 1):
#   dev       20 real speakers: the selection set (EER only, all pairs)
#   test-v1   v1's 16 test speakers, thresholds and cut tuned on dev
#   test-uqm  the 12 uqm actors (another source: English voice acting,
#             11 kHz), thresholds and cut tuned on dev
# Back-ends (norm, plda) and the AS-norm cohort: the real speakers of
# train-real.list. ZHAW two-utterance rows are v1's only (two utterances
# per speaker give 16 target trials: no interval worth printing).
#
#   UQM_STORE  feature store of the uqm corpus (default $REAL_DATA/store-uqm;
#              docs/data.md: voxsiam corpus real --sources uqm, then
#              voxsiam features --vad --layout plain)
V2=scripts/protocol/v2
PYTHON=${PYTHON:-.venv/bin/python} # numpy, for scripts/protocol/cap.py
UQM_STORE=${UQM_STORE:-$DATA/store-uqm}
for f in "$DATA/store-real/manifest.tsv" "$UQM_STORE/manifest.tsv" "$V2/dev.list"; do
  [ -f "$f" ] || { echo "realeval v2: $f is missing (scripts/protocol/v2/README.md)" >&2; exit 2; }
done

# embeddings of one system: all recordings of a set's speakers (full-<set>;
# an existing one, with its utt.list, is kept: resume), then the recordings of
# <set>.utt (at most 100 per speaker) as single-<set>; train keeps them all
embed_v2() { # name cmd...
  local name=$1; shift
  local -a sets=("dev:$DATA/store-real" "test-v1:$DATA/store-real" "test-uqm:$UQM_STORE")
  local s set in
  for s in "${sets[@]}"; do
    IFS=: read -r set in <<< "$s"
    [ -f "$OUT/$name/full-$set/utt.list" ] ||
      "$@" --in "$in" --speakers "$V2/$set.list" --out "$OUT/$name/full-$set" >/dev/null
    rm -rf "$OUT/$name/single-$set"
    "$PYTHON" scripts/protocol/cap.py subset "$V2/$set.utt" "$OUT/$name/full-$set" "$OUT/$name/single-$set"
  done
  [ "$BACKENDS" = cosine ] || [ -f "$OUT/$name/single-train/utt.list" ] ||
    "$@" --in "$DATA/store-real" --speakers "$V2/train-real.list" --out "$OUT/$name/single-train" >/dev/null
}
eer_ci() { awk '/^EER/{print $2, $3, $4; exit}' "$1"; } # "25.07% [13.57, 33.07]"
mr_true() { awk '/^true_speakers/{for(i=1;i<=NF;i++) if($i=="MR"){print $(i+1); exit}}' "$1"; }
evaluate_v2() { # name backend
  local name=$1 be=${2%+asnorm} tag=$1 r set
  local -a bf=()
  backend_args "$name" "$2"
  r="$OUT/$name/$2"
  mkdir -p "$r"
  "$VOXSIAM" eval --embeddings "$OUT/$name/single-dev" "${bf[@]}" --out "$r/report-dev" > "$r/dev.txt" 2>/dev/null
  for set in test-v1 test-uqm; do
    "$VOXSIAM" eval --embeddings "$OUT/$name/single-$set" --dev "$OUT/$name/single-dev" "${bf[@]}" --out "$r/report-$set" > "$r/$set.txt" 2>/dev/null
  done
  local m1 mu
  m1=$(mr_true "$r/test-v1.txt"); mu=$(mr_true "$r/test-uqm.txt")
  if [ "$2" != "$be" ]; then m1=n/a; mu=n/a; fi
  printf '| %-24s | %-24s | %-24s | %-24s | %8s | %8s |\n' "$tag" "$(eer_ci "$r/dev.txt")" "$(eer_ci "$r/test-v1.txt")" "$(eer_ci "$r/test-uqm.txt")" "$m1" "$mu"
}

echo "== protocol v2: $(wc -l < "$V2/dev.list") dev, $(wc -l < "$V2/test-v1.list") + $(wc -l < "$V2/test-uqm.list") test speakers ($V2)"
echo "== baseline: log-mel + MFCC statistics (no training)"
embed_v2 baseline "$VOXSIAM" baseline
for m in $MODELS; do
  name=${m%%=*}; dir=${m#*=}
  echo "== model $name ${dir:-(default model)}"
  if [ -n "$dir" ]; then embed_v2 "$name" "$VOXSIAM" embed --model "$dir"; else embed_v2 "$name" "$VOXSIAM" embed; fi
done
for p in $PEERS; do
  echo "== peer $p (pretrained; scripts/peers/peers.py)"
  embed_v2 "peer-$p" "$PEERS_PY" scripts/peers/peers.py --peer "$p" --threads "${PEERS_THREADS:-1}" --skip-done
done
{
  printf '\nReal-voice evaluation, protocol v2 (%s): single recordings; dev %d speakers (%d recordings), test-v1 %d (%d), test-uqm %d (%d)\n\n' "$V2" \
    "$(wc -l < "$V2/dev.list")" "$(wc -l < "$OUT/baseline/single-dev/utt.list")" \
    "$(wc -l < "$V2/test-v1.list")" "$(wc -l < "$OUT/baseline/single-test-v1/utt.list")" \
    "$(wc -l < "$V2/test-uqm.list")" "$(wc -l < "$OUT/baseline/single-test-uqm/utt.list")"
  printf '| %-24s | %-24s | %-24s | %-24s | %8s | %8s |\n' system "EER dev [95% CI]" "EER test-v1 [95% CI]" "EER test-uqm [95% CI]" "MR v1" "MR uqm"
  printf '|%s|%s|%s|%s|%s|%s|\n' -------------------------- -------------------------- -------------------------- -------------------------- ---------- ----------
  for be in $BACKENDS; do evaluate_v2 baseline "$be"; done
  for m in $MODELS; do for be in $BACKENDS; do evaluate_v2 "${m%%=*}" "$be"; done; done
  for p in $PEERS; do for be in $BACKENDS; do evaluate_v2 "peer-$p" "$be"; done; done
  printf '\nEER: all pairs of single recordings (500,000 sampled beyond that), with the 95%% percentile interval of\n1,000 speaker resamples (voxsiam eval --bootstrap; seed 1; docs/cli/evaluation.md). MR v1/uqm: exact MR of the\nsingle recordings clustered at the true speaker count. Back-ends and the AS-norm cohort (top-%d): train-real.list.\nChoose on the dev column only; two systems differ on a test set when their intervals do not overlap\n(a conservative reading: overlapping intervals can still differ in a paired test).\n' "$ASNORM_TOPK"
} | tee "$OUT/summary.md"
