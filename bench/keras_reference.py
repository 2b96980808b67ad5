#!/usr/bin/env python3
"""The Keras reference of voxsiam: the published siamese BLSTM + PKLD method
(Stadelmann et al., ANNPR 2018; stdm/ZHAW_deep_voice) in TensorFlow/Keras,
reading voxsiam's feature store directly, for side-by-side benchmarks.

Modes (each prints one JSON summary line on stdout and writes it to --json):
  train          train the reference (--setup pkld) or the seed siamese model
                 (--setup seed) and time every step
  embed          L3 utterance embeddings (mean over 40-frame segments) in
                 voxsiam's embeddings-directory format
  export         write a trained reference model as a SavedModel
                 (serving_default: spectrogram -> embedding, distribution)
  predict-bench  batched inference of a SavedModel's serving_default
                 (voxsiam's export) over a store's features (--store) or end
                 to end from audio (--audio-dir: librosa.load + reference
                 log-mel + segments + inference + mean): audio-seconds/s
  features-bench librosa log-mel with the reference settings: files/s,
                 audio-seconds/s
  flops          the analytic GFLOP count of one training step

Run it with the project venv: .venv/bin/python bench/keras_reference.py MODE ...
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def add_common(p, store=True):
    if store:
        p.add_argument("--store", required=True, help="voxsiam feature store directory")
    p.add_argument("--threads", type=int, default=2, help="TensorFlow intra-op threads (default 2)")
    p.add_argument("--inter-threads", type=int, default=None, help="TensorFlow inter-op threads (default = --threads)")
    p.add_argument("--json", default=None, help="also write the JSON summary to this file")
    p.add_argument("--keras", type=int, choices=(2, 3), default=3, help="Keras 3 (tf.keras) or legacy Keras 2 (tf_keras)")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)

    t = sub.add_parser("train", help="train and time the reference")
    add_common(t)
    t.add_argument("--train-speakers", required=True, help="speaker list (train.list)")
    t.add_argument("--val-speakers", default=None, help="speaker list for the pair-accuracy report (val.list)")
    t.add_argument("--val-pairs", type=int, default=1000, help="balanced val pairs for the pair-accuracy report")
    t.add_argument("--steps", type=int, default=10000, help="mini-batches in total (reference 10,000)")
    t.add_argument("--warmup", type=int, default=5, help="first steps left out of the median step time")
    t.add_argument("--batch", type=int, default=100, help="segments per mini-batch (pairs for --setup seed)")
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--margin", type=float, default=None, help="hinge margin (pkld 3, seed 1)")
    t.add_argument("--epsilon", type=float, default=None, help="PKLD epsilon added to distributions (1e-16)")
    t.add_argument("--setup", choices=("pkld", "seed"), default="pkld")
    t.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",
                   help="fp32, or bf16: Keras' mixed_bfloat16 policy (bfloat16 compute, float32 "
                        "variables; softmax and loss float32), as voxsiam train --precision bf16")
    t.add_argument("--sampling", choices=("speaker", "utterance"), default="speaker")
    t.add_argument("--unroll", action="store_true", help="unroll the LSTMs over the 40 steps")
    t.add_argument("--seed", type=int, default=1337)
    t.add_argument("--log-every", type=int, default=10)
    t.add_argument("--out", required=True, help="output directory (weights, reference.json, train.json)")

    e = sub.add_parser("embed", help="L3 utterance embeddings of a trained reference")
    add_common(e)
    e.add_argument("--model", required=True, help="directory written by `train`")
    e.add_argument("--speakers", default=None, help="speaker list (default: all utterances)")
    e.add_argument("--batch", type=int, default=100)
    e.add_argument("--out", required=True, help="embeddings directory to write")
    e.add_argument("--cut", choices=("floor", "overlap-last"), default="floor",
                   help="floor: non-overlapping segments, remainder dropped (ZHAW); overlap-last: as voxsiam embed")

    x = sub.add_parser("export", help="write a trained reference as a SavedModel")
    add_common(x, store=False)
    x.add_argument("--model", required=True, help="directory written by `train`")
    x.add_argument("--out", required=True)

    pb = sub.add_parser("predict-bench", help="time SavedModel extraction over a store or from audio")
    add_common(pb, store=False)
    src = pb.add_mutually_exclusive_group(required=True)
    src.add_argument("--store", help="feature store: time TF compute on precomputed features")
    src.add_argument("--audio-dir", "--corpus", dest="audio_dir",
                     help="corpus directory (<speaker>/<utt>.wav ...): time decode + log-mel + inference")
    pb.add_argument("--saved-model", required=True)
    pb.add_argument("--speakers", default=None, help="speaker list (default: all utterances)")
    pb.add_argument("--batch", type=int, default=100, help="segments per inference call")
    pb.add_argument("--api", choices=("keras", "tf"), default="keras",
                    help="keras: TFSMLayer + Model.predict; tf: the loaded signature called per batch")
    pb.add_argument("--signature", default="serving_default")
    pb.add_argument("--input", default=None, help="signature input name (default: spectrogram or the only one)")
    pb.add_argument("--output", default="embedding", help="signature output name")
    pb.add_argument("--out", default=None, help="also write the embeddings directory")
    pb.add_argument("--cut", choices=("floor", "overlap-last"), default="overlap-last",
                    help="segmenting; overlap-last (default) does the same work as voxsiam embed")
    pb.add_argument("--compare", default=None, help="embeddings directory to compare with (max abs diff)")

    fb = sub.add_parser("features-bench", help="time librosa log-mel extraction")
    add_common(fb, store=False)
    fb.add_argument("--audio-dir", required=True)
    fb.add_argument("--limit", type=int, default=0, help="at most this many files (0 = all)")
    fb.add_argument("--sr", type=int, default=0, help="resample to this rate (0 = native, as the reference)")

    fl = sub.add_parser("flops", help="analytic GFLOP of one training step")
    fl.add_argument("--batch", type=int, default=100)
    fl.add_argument("--speakers", type=int, required=True, help="number of training speakers S")
    fl.add_argument("--json", default=None)
    return ap.parse_args(argv)


def setup_threads(args):
    """Fix TensorFlow's thread pools before the runtime starts."""
    import tensorflow as tf
    inter = args.inter_threads if args.inter_threads is not None else args.threads
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(inter)
    return {"intra_op": args.threads, "inter_op": inter}


def emit(summary, path):
    line = json.dumps(summary, sort_keys=True)
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print(line)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode == "flops":
        import kref_flops
        return emit(kref_flops.describe(args.batch, args.speakers), args.json)
    started = time.time()
    if args.mode == "features-bench":  # librosa only: no TensorFlow in this process
        import kref_speed
        summary = kref_speed.features_bench(args)
        summary.update({"mode": args.mode, "wall_s": time.time() - started})
        return emit(summary, args.json)
    threads = setup_threads(args)
    import tensorflow as tf
    if args.mode == "train":
        import kref_train
        summary = kref_train.run(args)
    elif args.mode == "embed":
        import kref_train
        summary = kref_train.embed(args)
    elif args.mode == "export":
        import kref_train
        summary = kref_train.export(args)
    elif args.mode == "predict-bench":
        import kref_speed
        summary = kref_speed.predict_bench(args)
    else:
        import kref_speed
        summary = kref_speed.features_bench(args)
    summary.update({"mode": args.mode, "threads": threads, "tensorflow": tf.__version__,
                    "keras": keras_version(args.keras), "wall_s": time.time() - started})
    emit(summary, args.json)


def keras_version(v):
    from kref_model import keras_module
    return getattr(keras_module(v), "__version__", str(v))


if __name__ == "__main__":
    main()
