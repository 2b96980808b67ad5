#!/bin/sh
# Diarization benchmark (docs/answers.md): synthetic conversations of the
# shipped model's held-out test speakers, diarized by voxsiam, scored by
# voxsiam's DER and, where the venv has pyannote.metrics, by pyannote's.
# Usage: bench/diarize/run.sh REAL_TREE OUT   (REAL_TREE: the <speaker>/<utt>.wav
# tree of `voxsiam corpus real`, e.g. demo/real; OUT: a scratch directory)
set -eu
tree=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
py=${VOXSIAM_PYTHON:-$root/.venv/bin/python}
vx=${VOXSIAM:-voxsiam}
# The baseline's own threshold: voxsiam calibrate on its embeddings of the dev speakers.
"$vx" baseline --in "$tree" --speakers "$root/embed/defaultmodel/heldout/val.list" --out "$out/val-baseline" >/dev/null 2>&1
"$vx" calibrate --emb "$out/val-baseline" --out "$out/baseline-calibration.json" --dev "val.list, voxsiam baseline" 2>/dev/null
"$py" "$here/conversations.py" "$tree" "$root/embed/defaultmodel/heldout/test.list" "$out/conv" --n 20 --overlap 0.2 --seed 26
for v in clean telephone; do
	for run in "model:" "model:--min-speakers 2 --max-speakers 6" "baseline:--embedder baseline --calibration $out/baseline-calibration.json"; do
		name=${run%%:*} args=${run#*:}
		echo "== $name, $v ${args:-(count estimated, unbounded)}"
		# shellcheck disable=SC2086
		"$vx" diarize --out "$out/diar-$v-$name" --ref "$out/conv/ref.rttm" $args "$out/conv/$v"/*.wav 2>/dev/null | grep '^DER'
		if "$py" -c 'import pyannote.metrics' 2>/dev/null; then
			"$py" "$here/pyannote_der.py" "$out/conv/ref.rttm" "$out/diar-$v-$name/all.rttm" 2>/dev/null
		fi
	done
done
