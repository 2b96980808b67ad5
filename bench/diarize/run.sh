#!/bin/sh
# Diarization benchmark (docs/answers.md): synthetic conversations of the
# shipped model's held-out test speakers, diarized by voxsiam, scored by
# voxsiam's DER and, where the venv has pyannote.metrics, by pyannote's.
# With the peers venv (.peers-venv, `make peers`; VOXSIAM_PEERS_PYTHON
# overrides), Resemblyzer too: its embeddings of the exported windows
# (diarize --export-windows, scripts/peers/peers.py) clustered by diarize
# --window-embeddings at its own threshold, calibrated on its embeddings of
# the dev speakers as the baseline's is (PEERS_THREADS torch threads, 1).
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
peers=${VOXSIAM_PEERS_PYTHON:-$root/.peers-venv/bin/python}
[ -x "$peers" ] || peers=
embed_peer() { # IN OUT: Resemblyzer embeddings of a corpus tree or Kaldi dir (peers.py's arguments after them)
	i=$1 o=$2
	shift 2
	"$peers" "$root/scripts/peers/peers.py" --peer resemblyzer --threads "${PEERS_THREADS:-1}" --skip-done --in "$i" --out "$o" "$@" >"$o.log" 2>&1
}
if [ -n "$peers" ]; then
	embed_peer "$tree" "$out/val-resemblyzer" --speakers "$root/embed/defaultmodel/heldout/val.list"
	"$vx" calibrate --emb "$out/val-resemblyzer" --out "$out/resemblyzer-calibration.json" --dev "val.list, Resemblyzer" 2>/dev/null
fi
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
	if [ -n "$peers" ]; then
		"$vx" diarize --export-windows --out "$out/win-$v" "$out/conv/$v"/*.wav >/dev/null 2>&1
		embed_peer "$out/win-$v/windows" "$out/win-$v/resemblyzer"
		for run in "resemblyzer:" "resemblyzer26:--min-speakers 2 --max-speakers 6"; do
			name=${run%%:*} args=${run#*:}
			echo "== $name, $v --window-embeddings --calibration (its own) ${args:-(count estimated, unbounded)}"
			# shellcheck disable=SC2086
			"$vx" diarize --out "$out/diar-$v-$name" --ref "$out/conv/ref.rttm" --window-embeddings "$out/win-$v/resemblyzer" \
				--calibration "$out/resemblyzer-calibration.json" $args "$out/conv/$v"/*.wav 2>/dev/null | grep '^DER'
			if "$py" -c 'import pyannote.metrics' 2>/dev/null; then
				"$py" "$here/pyannote_der.py" "$out/conv/ref.rttm" "$out/diar-$v-$name/all.rttm" 2>/dev/null
			fi
		done
	fi
done
