#!/usr/bin/env bash
# Side-by-side benchmark of voxsiam against the Keras reference (`make bench`).
# One go, same machine, same threads, same data; see bench/README.md.
#
# Knobs (environment):
#   BENCH_THREADS=2        TF intra/inter-op threads, GOMAXPROCS, BLAS threads
#   BENCH_SPEAKERS=24      synthetic corpus speakers; BENCH_UTTERANCES=8 per speaker
#   BENCH_VAL_SPEAKERS=4, BENCH_TEST_SPEAKERS=8  held-out speakers (voxsiam split, whole groups)
#   BENCH_STEPS=400        training mini-batches of each implementation (quality at equal steps;
#                          the median step time after BENCH_WARMUP=5 steps gives steps/s); 400 keeps
#                          the default run at ~15 min on an idle 2-core machine, the published
#                          comparison is BENCH_STEPS=10000 (~4-5 h per seed there)
#   BENCH_SEEDS="1"        training seeds; both trainings and the quality rows repeat per seed
#                          (mean and range reported), e.g. BENCH_SEEDS="1 2 3"
#   BENCH_VOX_TRAIN_THREADS=auto  intra/inter-op threads of voxsiam training; auto = TF's
#                          default pools (0) when BENCH_THREADS is the core count, else
#                          BENCH_THREADS. TF's default pools run voxsiam's step faster than
#                          explicit pools of the same size (bench/README.md); Keras keeps
#                          explicit BENCH_THREADS, its faster setting
#   BENCH_BF16_STEPS=100   >0: also train both sides with bfloat16 matrix products this many steps
#                          (voxsiam --precision bf16, Keras' mixed_bfloat16 policy) right after the
#                          fp32 trainings of the first seed: bf16 steps/s rows and bf16/fp32 ratios
#   BENCH_TRAIN_ONLY=0     1: training rows only (fp32 and bf16 of both sides): no feature, extraction,
#                          baseline or quality measurements, and the store of an earlier run is reused
#   BENCH_BATCH=100        segments per mini-batch
#   BENCH_SEED_STEPS=30    >0: also train the seed siamese setup (pairs of BENCH_BATCH/2) to show its Keras "accuracy"
#   BENCH_EPSILON=1e-16    PKLD epsilon for both implementations
#   BENCH_REUSE=1          reuse bench/out/work/corpus from an earlier run
#   BENCH_PEERS="resemblyzer campplus"  pretrained peer encoders scored beside them (needs make peers; "" skips)
#   BENCH_OUT=bench/out    where results.{json,md}, logs/ and raw/ go
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VOX=${VOXSIAM:-$ROOT/bin/voxsiam}
PY=${VOXSIAM_PYTHON:-$ROOT/.venv/bin/python}
KREF=("$PY" "$ROOT/bench/keras_reference.py")
OUT=${BENCH_OUT:-$ROOT/bench/out}
WORK=$OUT/work RAW=$OUT/raw LOGS=$OUT/logs
THREADS=${BENCH_THREADS:-2}
SPEAKERS=${BENCH_SPEAKERS:-24} UTTS=${BENCH_UTTERANCES:-8}
VAL_SPK=${BENCH_VAL_SPEAKERS:-4} TEST_SPK=${BENCH_TEST_SPEAKERS:-8}
STEPS=${BENCH_STEPS:-400} WARMUP=${BENCH_WARMUP:-5} BATCH=${BENCH_BATCH:-100}
SEED_STEPS=${BENCH_SEED_STEPS:-30} REUSE=${BENCH_REUSE:-1} BF16_STEPS=${BENCH_BF16_STEPS:-100}
SEEDS=$(echo ${BENCH_SEEDS:-1})  # normalised: single spaces
EPSILON=${BENCH_EPSILON:-1e-16}  # PKLD epsilon of both implementations (the published value)
VOX_TRAIN_THREADS=${BENCH_VOX_TRAIN_THREADS:-auto}
TRAIN_ONLY=${BENCH_TRAIN_ONLY:-0}
if [ "$VOX_TRAIN_THREADS" = auto ]; then
	VOX_TRAIN_THREADS=$THREADS; [ "$THREADS" = "$(nproc)" ] && VOX_TRAIN_THREADS=0
fi
export GOMAXPROCS=$THREADS OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} CUDA_VISIBLE_DEVICES=

mkdir -p "$WORK" "$RAW" "$LOGS"
rm -f "$RAW"/*.json "$RAW"/*.status "$RAW"/*.unavailable
echo "# bench: threads=$THREADS steps=$STEPS seeds='$SEEDS' warmup=$WARMUP batch=$BATCH speakers=$SPEAKERS x $UTTS utterances -> $OUT" >&2

# child_cpu: sets CHILD_CPU to the user+sys CPU seconds of all finished children
# of this shell (bash `times`; called directly: in a subshell it would see none).
child_cpu() {
	times >"$RAW/.times"
	CHILD_CPU=$(tail -n 1 "$RAW/.times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); n += p[1] * 60 + p[2] } printf "%.3f", n }')
}

# step NAME CMD...: run CMD, stdout -> logs/NAME.out, stderr -> logs/NAME.err,
# and record rc, wall and CPU seconds in raw/NAME.status ("rc wall_s cpu_s").
step() {
	local name=$1; shift
	echo "# $name: $*" >&2
	local t0 t1 rc c0 c1
	child_cpu; c0=$CHILD_CPU; t0=$(date +%s.%N)
	"$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err"; rc=$?
	t1=$(date +%s.%N); child_cpu; c1=$CHILD_CPU
	echo "$rc $(awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" 'BEGIN{printf "%.3f %.3f", b-a, d-c}')" >"$RAW/$name.status"
	[ $rc -eq 0 ] || { echo "#   $name failed (exit $rc): $(tail -n 3 "$LOGS/$name.err" | tr '\n' ' ')" >&2; }
	return $rc
}

# unavailable NAME REASON: record why a measurement could not be made.
unavailable() { echo "# $1 unavailable: $2" >&2; echo "$2" >"$RAW/$1.unavailable"; }

# have VERB: the voxsiam subcommand exists and is built.
have() {
	[ -x "$VOX" ] || return 1
	local help
	help=$("$VOX" $1 --help 2>&1) || return 1
	! grep -q "not built yet" <<<"$help"
}

# last JSON object printed by a step (commands may print progress before it).
json_of() { "$PY" "$ROOT/bench/report.py" lastjson "$LOGS/$1.out" "$RAW/$1.json"; }

# bf16_trainings SEED: both implementations again with bfloat16 matrix products and float32
# master weights, softmax and loss (voxsiam --precision bf16; Keras' mixed_bfloat16 policy with a
# float32 softmax), BF16_STEPS steps each, right after the fp32 trainings: the bf16 rows and the
# bf16/fp32 speed ratios of both sides come from the same run.
bf16_trainings() {
	local seed=$1
	rm -rf "$WORK/keras_run_bf16" "$WORK/vox_run_bf16"
	step keras_train_bf16 "${KREF[@]}" train --precision bf16 --store "$STORE" --train-speakers "$SPLIT/train.list" \
		--steps "$BF16_STEPS" --warmup "$WARMUP" --batch "$BATCH" --seed "$seed" \
		--epsilon "$EPSILON" --threads "$THREADS" --out "$WORK/keras_run_bf16" --json "$RAW/keras_train_bf16.json"
	have train || { unavailable vox_train_bf16 "bin/voxsiam train is not built"; return; }
	"$PY" "$ROOT/bench/gotrain.py" config --store "$STORE" --split "$SPLIT" --steps "$BF16_STEPS" --seed "$seed" \
		--batch "$BATCH" --threads "$VOX_TRAIN_THREADS" --epsilon "$EPSILON" --precision bf16 --out "$WORK/vox_train_bf16.toml"
	step vox_train_bf16 "$VOX" train --config "$WORK/vox_train_bf16.toml" --out "$WORK/vox_run_bf16" --json \
		&& json_of vox_train_bf16
	"$PY" "$ROOT/bench/gotrain.py" times --run "$WORK/vox_run_bf16" --warmup "$WARMUP" --batch "$BATCH" \
		--steps "$BF16_STEPS" --wall "$(cut -d' ' -f2 "$RAW/vox_train_bf16.status")" \
		--out "$RAW/vox_train_times_bf16.json" 2>>"$LOGS/vox_train_bf16.err"
}

# 1. data: corpus, features (timed: the voxsiam feature benchmark), split.
CORPUS=$WORK/corpus STORE=$WORK/store SPLIT=$WORK/split
if [ "$REUSE" = 1 ] && [ -d "$CORPUS" ] && [ -n "$(ls -A "$CORPUS" 2>/dev/null)" ]; then
	echo "# corpus: reusing $CORPUS" >&2
elif have corpus; then
	rm -rf "$CORPUS"
	step corpus "$VOX" corpus synth --speakers "$SPEAKERS" --utterances "$UTTS" --seed 1 \
		--workers "$THREADS" --out "$CORPUS" --json && json_of corpus
else
	unavailable corpus "bin/voxsiam corpus synth is not built"
fi
if [ "$TRAIN_ONLY" = 1 ] && [ -f "$STORE/manifest.tsv" ]; then
	echo "# store: reusing $STORE (BENCH_TRAIN_ONLY)" >&2
elif have features; then
	rm -rf "$STORE"
	step vox_features "$VOX" features --in "$CORPUS" --out "$STORE" --workers "$THREADS" --json && json_of vox_features
else
	unavailable vox_features "bin/voxsiam features is not built"
fi
if [ -d "$CORPUS" ] && [ "$TRAIN_ONLY" != 1 ]; then
	step librosa_features "${KREF[@]}" features-bench --audio-dir "$CORPUS" --sr 16000 \
		--threads "$THREADS" --json "$RAW/librosa_features.json"
fi
# log-mel compute alone (no decoding, no store): Go BenchmarkLogMel vs bench/features.py, CPU ms per 10 s.
if [ "$TRAIN_ONLY" = 1 ]; then
	unavailable go_logmel "BENCH_TRAIN_ONLY=1"
elif command -v go >/dev/null 2>&1; then
	step go_logmel go test ./tools/feature/ -run '^$' -bench '^BenchmarkLogMel$' -benchtime=20x -count=1
	step librosa_logmel "$PY" "$ROOT/bench/features.py" --repeat 20
else
	unavailable go_logmel "no go toolchain on PATH"
fi
if [ "$TRAIN_ONLY" = 1 ] && [ -f "$SPLIT/train.list" ]; then
	echo "# split: reusing $SPLIT (BENCH_TRAIN_ONLY)" >&2
elif have split && [ -f "$STORE/manifest.tsv" ]; then
	rm -rf "$SPLIT"
	step split "$VOX" split --store "$STORE" --out "$SPLIT" --val "$VAL_SPK" --test "$TEST_SPK" --seed 1 --json \
		&& json_of split
else
	unavailable split "bin/voxsiam split is not built or there is no store"
fi

# the non-neural floor on the same val/test speakers (no training, so once): voxsiam baseline
# (log-mel/MFCC mean+std per utterance) scored by voxsiam eval like the models below.
rm -rf "$WORK"/base_emb_{val,test} "$WORK/base_eval"
if [ "$TRAIN_ONLY" = 1 ]; then
	unavailable base_eval "BENCH_TRAIN_ONLY=1"
elif have baseline && have eval && [ -f "$SPLIT/test.list" ]; then
	for part in val test; do
		[ -f "$SPLIT/$part.list" ] && step "base_embed_$part" "$VOX" baseline --in "$STORE" --speakers "$SPLIT/$part.list" \
			--workers "$THREADS" --out "$WORK/base_emb_$part" --json && json_of "base_embed_$part"
	done
	dev=(); [ -f "$WORK/base_emb_val/embeddings.npy" ] && dev=(--dev "$WORK/base_emb_val")
	[ -f "$WORK/base_emb_test/embeddings.npy" ] && step base_eval "$VOX" eval --embeddings "$WORK/base_emb_test" "${dev[@]}" \
		--out "$WORK/base_eval" --json && json_of base_eval
else
	unavailable base_eval "bin/voxsiam baseline or eval is not built, or there is no speaker split"
fi

# 2.-4. per training seed (BENCH_SEEDS): training at equal steps (speed from the first seed:
# median step time after the warm-up), export, and quality of both models. The first seed's
# names carry no suffix (keras_train, vox_run, ...), later ones _s<seed>.
FIRST_SEED=${SEEDS%% *}
for seed in $SEEDS; do
	sfx=; [ "$seed" = "$FIRST_SEED" ] || sfx=_s$seed
	VRUN=$WORK/vox_run$sfx KRUN=$WORK/keras_run$sfx SM=$WORK/vox_savedmodel$sfx
	# nothing of an earlier run may stand in for a failed step of this one
	rm -rf "$VRUN" "$KRUN" "$SM" "$WORK"/{vox,keras}_emb_{val,test}$sfx
	if [ -f "$SPLIT/train.list" ]; then
		step "keras_train$sfx" "${KREF[@]}" train --store "$STORE" --train-speakers "$SPLIT/train.list" \
			--val-speakers "$SPLIT/val.list" --steps "$STEPS" --warmup "$WARMUP" --batch "$BATCH" --seed "$seed" \
			--epsilon "$EPSILON" --threads "$THREADS" --out "$KRUN" --json "$RAW/keras_train$sfx.json"
		if have train; then
			"$PY" "$ROOT/bench/gotrain.py" config --store "$STORE" --split "$SPLIT" --steps "$STEPS" --seed "$seed" \
				--batch "$BATCH" --threads "$VOX_TRAIN_THREADS" --epsilon "$EPSILON" --out "$WORK/vox_train$sfx.toml"
			step "vox_train$sfx" "$VOX" train --config "$WORK/vox_train$sfx.toml" --out "$VRUN" --json && json_of "vox_train$sfx"
			"$PY" "$ROOT/bench/gotrain.py" times --run "$VRUN" --warmup "$WARMUP" --batch "$BATCH" \
				--steps "$STEPS" --wall "$(cut -d' ' -f2 "$RAW/vox_train$sfx.status")" \
				--out "$RAW/vox_train_times$sfx.json" 2>>"$LOGS/vox_train$sfx.err"
		else
			unavailable "vox_train$sfx" "bin/voxsiam train is not built"
		fi
		if [ "$BF16_STEPS" -gt 0 ] && [ -z "$sfx" ]; then
			bf16_trainings "$seed"
		fi
		if [ "$SEED_STEPS" -gt 0 ] && [ -z "$sfx" ]; then
			step keras_seed "${KREF[@]}" train --setup seed --store "$STORE" --train-speakers "$SPLIT/train.list" \
				--val-speakers "$SPLIT/val.list" --steps "$SEED_STEPS" --warmup 1 --batch "$((BATCH / 2))" \
				--threads "$THREADS" --out "$WORK/keras_seed" --json "$RAW/keras_seed.json"
		fi
	else
		unavailable "keras_train$sfx" "no speaker split (train.list)"
		unavailable "vox_train$sfx" "no speaker split (train.list)"
	fi
	[ "$TRAIN_ONLY" = 1 ] && continue  # no export, embeddings or quality
	if have export && [ -d "$VRUN" ]; then
		step "vox_export$sfx" "$VOX" export --run "$VRUN" --out "$SM" --json && json_of "vox_export$sfx"
	else
		unavailable "vox_export$sfx" "bin/voxsiam export is not built or there is no voxsiam run"
	fi
	# quality at equal steps: val (thresholds) and test embeddings of both, scored by voxsiam eval.
	for part in val test; do
		[ -f "$SPLIT/$part.list" ] || continue
		[ -f "$KRUN/model.weights.h5" ] && step "keras_embed_$part$sfx" "${KREF[@]}" embed --model "$KRUN" --store "$STORE" \
			--speakers "$SPLIT/$part.list" --cut overlap-last --threads "$THREADS" --out "$WORK/keras_emb_$part$sfx" \
			--json "$RAW/keras_embed_$part$sfx.json"
		if [ -f "$SM/saved_model.pb" ] && have embed; then
			rm -rf "$WORK/vox_emb_$part$sfx"
			step "vox_embed_$part$sfx" "$VOX" embed --model "$SM" --in "$STORE" --speakers "$SPLIT/$part.list" \
				--batch "$BATCH" --intra-op "$THREADS" --inter-op "$THREADS" --out "$WORK/vox_emb_$part$sfx" --json \
				&& json_of "vox_embed_$part$sfx"
		fi
	done
	for impl in vox keras; do
		emb=$WORK/${impl}_emb_test$sfx
		[ -f "$emb/embeddings.npy" ] || { unavailable "${impl}_eval$sfx" "no ${impl} test embeddings"; continue; }
		if have eval; then
			dev=(); [ -f "$WORK/${impl}_emb_val$sfx/embeddings.npy" ] && dev=(--dev "$WORK/${impl}_emb_val$sfx")
			rm -rf "$WORK/${impl}_eval$sfx"
			step "${impl}_eval$sfx" "$VOX" eval --embeddings "$emb" "${dev[@]}" --out "$WORK/${impl}_eval$sfx" --json \
				&& json_of "${impl}_eval$sfx"
		else
			unavailable "${impl}_eval$sfx" "bin/voxsiam eval is not built"
		fi
		step "${impl}_eval_py$sfx" "$PY" "$ROOT/bench/report.py" score --embeddings "$emb" --out "$RAW/${impl}_eval_py$sfx.json"
	done
done

# pretrained peer encoders (scripts/peers, docs/peers.md) on the same val/test speakers, embedded
# from the audio the store names, scored by the same voxsiam eval; their extraction speed comes
# from the same runs (peers.py --json). Only when .peers-venv exists (make peers); BENCH_PEERS="" skips.
PEERS_PY=$ROOT/.peers-venv/bin/python PEERS=${BENCH_PEERS-resemblyzer campplus}
rm -rf "$WORK"/peer_*
for p in $PEERS; do
	if [ "$TRAIN_ONLY" = 1 ]; then
		unavailable "peer_${p}_eval" "BENCH_TRAIN_ONLY=1"
	elif [ ! -x "$PEERS_PY" ]; then
		unavailable "peer_${p}_eval" "no .peers-venv (make peers installs the peer encoders, docs/peers.md)"
	elif have eval && [ -f "$SPLIT/test.list" ]; then
		for part in val test; do
			step "peer_${p}_embed_$part" "$PEERS_PY" "$ROOT/scripts/peers/peers.py" --peer "$p" --in "$STORE" \
				--speakers "$SPLIT/$part.list" --threads "$THREADS" --restart --json --out "$WORK/peer_${p}_emb_$part" \
				&& json_of "peer_${p}_embed_$part"
		done
		[ -f "$WORK/peer_${p}_emb_test/embeddings.npy" ] && step "peer_${p}_eval" "$VOX" eval \
			--embeddings "$WORK/peer_${p}_emb_test" --dev "$WORK/peer_${p}_emb_val" --out "$WORK/peer_${p}_eval" --json \
			&& json_of "peer_${p}_eval"
	else
		unavailable "peer_${p}_eval" "bin/voxsiam eval is not built, or there is no speaker split"
	fi
done

# Extraction speed with the first seed's SavedModel, batch BATCH, same threads on both sides.
SM=$WORK/vox_savedmodel
if [ "$TRAIN_ONLY" = 1 ]; then
	unavailable keras_audio_tf "BENCH_TRAIN_ONLY=1"
	unavailable keras_predict_tf "BENCH_TRAIN_ONLY=1"
elif [ -f "$SM/saved_model.pb" ]; then
	# (a) end to end from audio (what users run): decode + resample + log-mel + segments + inference + mean.
	ALL=$WORK/all_speakers.list
	cat "$SPLIT"/train.list "$SPLIT"/val.list "$SPLIT"/test.list 2>/dev/null | sort -u >"$ALL"
	[ -s "$ALL" ] || ls "$CORPUS" | grep -v '\.' >"$ALL"
	rm -rf "$WORK/vox_emb_audio" "$WORK/vox_emb_all"
	if have embed; then
		step vox_embed_audio "$VOX" embed --model "$SM" --in "$CORPUS" --speakers "$ALL" --batch "$BATCH" \
			--intra-op "$THREADS" --inter-op "$THREADS" --workers "$THREADS" --out "$WORK/vox_emb_audio" --json \
			&& json_of vox_embed_audio
		# (b) TF compute only: the store's precomputed features through the same SavedModel.
		step vox_embed "$VOX" embed --model "$SM" --in "$STORE" --batch "$BATCH" --intra-op "$THREADS" \
			--inter-op "$THREADS" --out "$WORK/vox_emb_all" --json && json_of vox_embed
	else
		unavailable vox_embed_audio "bin/voxsiam embed is not built"
		unavailable vox_embed "bin/voxsiam embed is not built"
	fi
	for api in tf keras; do
		cmp=(); [ -f "$WORK/vox_emb_audio/embeddings.npy" ] && cmp=(--compare "$WORK/vox_emb_audio")
		step "keras_audio_$api" "${KREF[@]}" predict-bench --api "$api" --saved-model "$SM" --audio-dir "$CORPUS" \
			--speakers "$ALL" --batch "$BATCH" --threads "$THREADS" "${cmp[@]}" --json "$RAW/keras_audio_$api.json"
		cmp=(); [ -f "$WORK/vox_emb_all/embeddings.npy" ] && cmp=(--compare "$WORK/vox_emb_all")
		step "keras_predict_$api" "${KREF[@]}" predict-bench --api "$api" --saved-model "$SM" --store "$STORE" \
			--batch "$BATCH" --threads "$THREADS" "${cmp[@]}" --json "$RAW/keras_predict_$api.json"
	done
else
	unavailable keras_audio_tf "no voxsiam SavedModel to run (needs voxsiam train + export)"
	unavailable keras_predict_tf "no voxsiam SavedModel to run (needs voxsiam train + export)"
fi

# 5. the report.
"$PY" "$ROOT/bench/report.py" report --raw "$RAW" --out "$OUT" --threads "$THREADS" \
	--vox-train-threads "$VOX_TRAIN_THREADS" --steps "$STEPS" --bf16-steps "$BF16_STEPS" \
	--warmup "$WARMUP" --batch "$BATCH" --split "$SPLIT" --store "$STORE" --seeds "$SEEDS"
