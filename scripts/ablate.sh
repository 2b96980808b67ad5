#!/usr/bin/env bash
# Ablations of the shipped model on the real-voice protocol (scripts/realeval.sh):
# each arm continues the stage-1 run (model.sh) from its best checkpoint for ABL_STEPS
# more mini-batches with one thing changed, and every arm is evaluated at its
# last step next to the baseline, in one realeval run.
#
#   control  nothing changed (the run's own continuation)
#   labels   synthetic speakers labelled by base voice (--label-map): the
#            200 synthetic speakers come from 127 voices, 73 are perturbed copies
#   aug      offline augmentation of every training speaker (noise, babble,
#            reverberation, telephone, gain/EQ; `voxsiam augment`, speakers kept)
#            plus SpecAugment on the fly
#   both     labels and aug together
#   labels-aug1  labels, plus ONE augmented copy per training recording (the
#            families taken in turn over each speaker's sorted recordings),
#            no SpecAugment: augmentation at a sixth of aug's rate, so clean
#            recordings keep half the weight (Kaldi's x-vector recipe doubles
#            the data, it does not multiply it by six)
#   labels-realw  labels, and the real training speakers drawn three times as
#            often as a synthetic class (--class-weights): 42 real classes x 3
#            against 127 synthetic ones, so half of every batch is real speech
#            in expectation instead of a quarter
#   realw-FAMILY  labels-realw, plus one FAMILY copy (noise, babble, reverb,
#            telephone or gaineq) of every training recording: each family
#            alone, at Kaldi's rate (the data doubled)
#   realw-speed   labels-realw, plus one speed copy (0.9 or 1.1, in turn) of
#            every training recording, kept as its speaker
#   realw-all     labels-realw, plus one copy per recording with the five
#            families in turn (store-aug1): all families at the same rate
#   realw-spec    labels-realw, plus SpecAugment on the fly
#   realw-noise-lr  realw-noise continued at learning rate 0.0003 instead of
#            0.001 (realw-noise collapsed within 200 steps)
#   realw-noise-clip  realw-noise at learning rate 0.001 with the gradients
#            clipped by global norm 1.0 ([model] clip_norm; about twice the
#            norm of clean steps at the stage-1 checkpoint, 0.5, where the
#            first noisy steps reach 4-10)
#
# Needs what scripts/model.sh built (ABL_DATA, default model-build: all/,
# synth/, store/, train.list, splits-real/, run/). Resumable: every step skips
# what a previous run finished; an interrupted arm resumes.
#   ABL_DATA   model.sh's MODEL_OUT            ABL_STEPS  steps per arm (1000)
#   ABL_ARMS   arms to run ("control labels aug both")    ABL_EVAL=0  train only
set -euo pipefail
cd "$(dirname "$0")/.."
VOXSIAM=${VOXSIAM:-bin/voxsiam}
DATA=${ABL_DATA:-model-build}
N=${ABL_STEPS:-1000}
ARMS=${ABL_ARMS:-control labels aug both}
step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
RUN=$DATA/run
BEST=$(cat "$RUN/checkpoints/best")     # e.g. ckpt-3000
B=${BEST#ckpt-}
END=$((B + N))

# The synthetic speakers' base voices (corpus synth's speakers.tsv).
awk -F'\t' 'NR==1{for(i=1;i<=NF;i++){if($i=="speaker")s=i; if($i=="base_voice")v=i}; print "speaker\tlabel"; next} {print $s "\t" $v}' \
  "$DATA/synth/speakers.tsv" > "$DATA/base-voice.tsv"

# The augmented store: training speakers clean + 5 copies each, validation
# speakers clean (the run validates on them).
if [[ " $ARMS " == *" aug "* || " $ARMS " == *" both "* ]] && [ ! -f "$DATA/store-aug/manifest.tsv" ]; then
  if [ ! -f "$DATA/augsrc/speakers.tsv" ]; then
    rm -rf "$DATA/augsrc.partial" && mkdir -p "$DATA/augsrc.partial"
    while read -r s; do cp -al "$DATA/all/$s" "$DATA/augsrc.partial/"; done < "$DATA/train.list"
    { printf 'speaker\tgroup\n'
      awk -F'\t' 'NR==FNR{k[$1]=1;next} FNR>1 && ($1 in k)' "$DATA/train.list" "$DATA/all/speakers.tsv"; } \
      > "$DATA/augsrc.partial/speakers.tsv"
    mv "$DATA/augsrc.partial" "$DATA/augsrc"
  fi
  step "augmented copies of the training speakers" "$VOXSIAM" augment --in "$DATA/augsrc" --out "$DATA/aug" \
    --layout plain --copies noise,babble,reverb,telephone,gaineq --seed 1
  while read -r s; do [ -d "$DATA/aug/$s" ] || cp -al "$DATA/all/$s" "$DATA/aug/"; done < "$DATA/splits-real/val.list"
  awk -F'\t' 'NR==FNR{k[$1]=1;next} FNR>1 && ($1 in k)' "$DATA/splits-real/val.list" "$DATA/all/speakers.tsv" |
    while IFS=$'\t' read -r s g; do grep -q "^$s	" "$DATA/aug/speakers.tsv" || printf '%s\t%s\n' "$s" "$g" >> "$DATA/aug/speakers.tsv"; done
  step "features of the augmented tree" "$VOXSIAM" features --vad --layout plain --in "$DATA/aug" --out "$DATA/store-aug"
fi

# copies_tree DIR COPIES: hard links to aug/'s clean recordings and to one
# copy of each, the COPIES taken in turn over the speaker's sorted
# recordings (one copy kind: that copy of every recording), and the
# features of that tree into store-DIR as for store-aug. A copy kind is a
# family (aug/<spk>/<utt>-<family>.wav) or a speed sp<f> (augspeed's
# sp<f>-<spk>/<utt>.wav, linked into <spk>/ as <utt>-sp<f>.wav).
copies_tree() { # dir copies
  local dir=$1 fams=$2
  [ ! -f "$DATA/store-$dir/manifest.tsv" ] || return 0
  [ -f "$DATA/aug/speakers.tsv" ] || { echo "ablate: $dir needs the aug arm's $DATA/aug (run ABL_ARMS=aug first)" >&2; exit 1; }
  if [ ! -f "$DATA/$dir/speakers.tsv" ]; then
    rm -rf "$DATA/$dir.partial" && mkdir -p "$DATA/$dir.partial"
    for d in "$DATA"/aug/*/; do
      s=$(basename "$d"); mkdir -p "$DATA/$dir.partial/$s"
      ls "$d" | grep -Ev -- '-(noise|babble|reverb|telephone|gaineq)\.wav$' | LC_ALL=C sort |
        awk -v fams="$fams" -v d="$d" -v s="$s" -v sp="$DATA/augspeed/" '
          BEGIN { n = split(fams, f, " ") }
          { print d $0 "\t" $0
            k = f[(NR - 1) % n + 1]; c = $0; sub(/\.wav$/, "-" k ".wav", c)
            print ((k ~ /^sp/) ? sp k "-" s "/" $0 : d c) "\t" c }' |
        while IFS=$'\t' read -r src w; do [ ! -f "$src" ] || ln "$src" "$DATA/$dir.partial/$s/$w"; done
    done
    cp "$DATA/aug/speakers.tsv" "$DATA/$dir.partial/"
    mv "$DATA/$dir.partial" "$DATA/$dir"
  fi
  step "features of $dir ($fams)" "$VOXSIAM" features --vad --layout plain --in "$DATA/$dir" --out "$DATA/store-$dir"
}
FAMILIES="noise babble reverb telephone gaineq"
# The one-copy store (labels-aug1, realw-all): the five families in turn.
[[ " $ARMS " != *" labels-aug1 "* && " $ARMS " != *" realw-all "* ]] || copies_tree aug1 "$FAMILIES"
# One family's store (realw-FAMILY): clean + that family's copy of every recording.
for f in $FAMILIES; do [[ " $ARMS " != *" realw-$f "* ]] || copies_tree "aug-$f" "$f"; done
[[ " $ARMS " != *" realw-noise-lr "* ]] || copies_tree aug-noise noise

# Speed perturbation kept as the speaker (realw-speed): every training
# recording at speed 0.9 and 1.1 (`augment --copies speed`; Kaldi's
# sp<f>-<spk> speakers), and a tree (copies_tree) that puts ONE speed copy of each
# recording (0.9 and 1.1 in turn over the speaker's sorted recordings) in
# the source speaker's directory: SpeechBrain's convention (WeSpeaker and
# Kaldi make each factor a new speaker, which changes the number of output
# units and cannot continue the stage-1 checkpoint).
if [[ " $ARMS " == *" realw-speed "* ]] && [ ! -f "$DATA/store-aug-speed/manifest.tsv" ]; then
  [ -f "$DATA/augsrc/speakers.tsv" ] && [ -f "$DATA/aug/speakers.tsv" ] ||
    { echo "ablate: realw-speed needs the aug arm's $DATA/augsrc and $DATA/aug (run ABL_ARMS=aug first)" >&2; exit 1; }
  step "speed copies of the training speakers" "$VOXSIAM" augment --in "$DATA/augsrc" --out "$DATA/augspeed" \
    --layout plain --copies speed --seed 1
  copies_tree aug-speed "sp0.9 sp1.1"
fi

# Class weights of labels-realw: the real training speakers (every training
# speaker that is not a synthetic spkNNN) weigh 3.
if [[ " $ARMS " == *" labels-realw "* || " $ARMS " == *" realw-"* ]]; then
  { printf 'class\tweight\n'; grep -v '^spk' "$DATA/train.list" | awk '{print $1 "\t3"}'; } > "$DATA/real-x3.tsv"
fi

# setkey FILE TABLE KEY VALUE: set (or add) KEY in [TABLE] of a TOML file.
setkey() {
  awk -v t="[$2]" -v k="$3" -v v="$4" '
    function flush() { if (in_t && !done) { print "  " k " = " v; done = 1 } }
    /^\[/ { flush(); in_t = ($0 == t) }
    in_t && $1 == k && $2 == "=" { print "  " k " = " v; done = 1; next }
    { print }
    END { flush() }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}

# One arm: a copy of the run at its best checkpoint, its config edited
# (setkey arguments: TABLE KEY VALUE ...), resumed to END.
arm() { # name [table key value]...
  local name=$1 dir=$DATA/abl-$1; shift
  if [ ! -f "$dir/config.toml" ]; then
    rm -rf "$dir.partial" && mkdir -p "$dir.partial/checkpoints"
    cp "$RUN"/{config.toml,features.json,train.list,val.list,metrics.jsonl} "$dir.partial/"
    cp -l "$RUN/checkpoints/$BEST".* "$dir.partial/checkpoints/"
    printf '%s\n' "$BEST" > "$dir.partial/checkpoints/checkpoint"
    printf '%s\n' "$BEST" > "$dir.partial/checkpoints/best"
    while [ $# -ge 3 ]; do setkey "$dir.partial/config.toml" "$1" "$2" "$3"; shift 3; done
    mv "$dir.partial" "$dir"
  fi
  if [ -f "$dir/checkpoints/ckpt-$END.index" ]; then
    :
  elif [ "$name" = control ] && [ -f "$RUN/checkpoints/ckpt-$END.index" ]; then
    echo "control: the run's own ckpt-$END (resume is exact)"
    cp -l "$RUN/checkpoints/ckpt-$END".* "$dir/checkpoints/"
  else
    step "arm $name: steps $B..$END" "$VOXSIAM" train --resume "$dir" --steps "$END"
  fi
  [ -f "$dir/model/saved_model.pb" ] ||
    step "export $name" "$VOXSIAM" export --run "$dir" --checkpoint "$END" --out "$dir/model"
}
models=""
realw=(data label_map "\"$DATA/base-voice.tsv\"" data class_weights "\"$DATA/real-x3.tsv\"")
for a in $ARMS; do
  case $a in
  control) arm control ;;
  labels) arm labels data label_map "\"$DATA/base-voice.tsv\"" ;;
  aug) arm aug data store "\"$DATA/store-aug\"" train spec_augment true ;;
  both) arm both data label_map "\"$DATA/base-voice.tsv\"" data store "\"$DATA/store-aug\"" train spec_augment true ;;
  labels-aug1) arm labels-aug1 data label_map "\"$DATA/base-voice.tsv\"" data store "\"$DATA/store-aug1\"" ;;
  labels-realw) arm labels-realw "${realw[@]}" ;;
  realw-all) arm realw-all "${realw[@]}" data store "\"$DATA/store-aug1\"" ;;
  realw-noise | realw-babble | realw-reverb | realw-telephone | realw-gaineq | realw-speed)
    arm "$a" "${realw[@]}" data store "\"$DATA/store-aug-${a#realw-}\"" ;;
  realw-spec) arm realw-spec "${realw[@]}" train spec_augment true ;;
  realw-noise-lr) arm realw-noise-lr "${realw[@]}" data store "\"$DATA/store-aug-noise\"" model learning_rate 0.0003 ;;
  realw-noise-clip) arm realw-noise-clip "${realw[@]}" data store "\"$DATA/store-aug-noise\"" model clip_norm 1.0 ;;
  *) echo "ablate: unknown arm $a (control, labels, aug, both, labels-aug1, labels-realw, realw-{noise,babble,reverb,telephone,gaineq,speed,all,spec,noise-lr,noise-clip})" >&2; exit 2 ;;
  esac
  models="$models $a=$DATA/abl-$a/model"
done

# The arms next to the baseline and the shipped model, one realeval run.
[ "${ABL_EVAL:-1}" = 0 ] && exit 0
MODELS="shipped=$DATA/model$models" REAL_DATA=$DATA REAL_OUT=$DATA/ablate scripts/realeval.sh
