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
"$py" "$here/conversations.py" "$tree" "$root/embed/defaultmodel/heldout/test.list" "$out/conv" --n 20 --overlap 0.2 --seed 26
for v in clean telephone; do
	for bounds in "" "--min-speakers 2 --max-speakers 6"; do
		echo "== shipped model, $v ${bounds:-(count estimated, unbounded)}"
		# shellcheck disable=SC2086
		"$vx" diarize --out "$out/diar-$v" --ref "$out/conv/ref.rttm" $bounds "$out/conv/$v"/*.wav 2>/dev/null | grep '^DER'
		if "$py" -c 'import pyannote.metrics' 2>/dev/null; then
			"$py" "$here/pyannote_der.py" "$out/conv/ref.rttm" "$out/diar-$v/all.rttm" 2>/dev/null
		fi
	done
done
