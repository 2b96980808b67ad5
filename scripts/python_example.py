#!/usr/bin/env python3
"""Embed WAV files with a voxsiam SavedModel using TensorFlow alone.

    python scripts/python_example.py MODEL_DIR a.wav b.wav [more.wav ...]

Loads MODEL_DIR with tf.saved_model.load, reads each WAV with soundfile
(mono: channels averaged), resamples to the model's rate when needed
(assets/voxsiam.json "features.sample_rate"; voxsiam embed resamples with
its own filter, so resampled files differ slightly from its embeddings),
runs the "embed_waveform" signature once on the zero-padded batch with its
lengths, and prints each file's embedding and the cosine score of the
first two files (same speaker when above a threshold tuned on trials, e.g.
by `voxsiam eval`). --json prints {"files", "embeddings", "segments",
"score"} instead. Needs tensorflow, numpy, soundfile (scipy to resample).
"""
import argparse
import json
import os

import numpy as np
import soundfile
import tensorflow as tf


def model_rate(model_dir):
    """The sample rate the model's features expect (16000 when unstated)."""
    path = os.path.join(model_dir, "assets", "voxsiam.json")
    try:
        with open(path) as f:
            features = json.load(f).get("features") or {}
    except FileNotFoundError:
        return 16000
    return int(features.get("sample_rate", 16000))


def read_wav(path, rate):
    """Mono float32 samples in [-1, 1] at rate Hz."""
    x, sr = soundfile.read(path, dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != rate:
        from scipy.signal import resample_poly

        g = np.gcd(sr, rate)
        x = resample_poly(x, rate // g, sr // g).astype(np.float32)
    return x


def embed(model_dir, paths):
    """Embeddings [len(paths), D] and segments per file, in one batch."""
    model = tf.saved_model.load(model_dir)
    fn = model.signatures["embed_waveform"]
    rate = model_rate(model_dir)
    waves = [read_wav(p, rate) for p in paths]
    lengths = np.array([len(w) for w in waves], dtype=np.int32)
    batch = np.zeros((len(waves), max(lengths.max(), 1)), dtype=np.float32)
    for i, w in enumerate(waves):
        batch[i, : len(w)] = w
    out = fn(waveform=tf.constant(batch), lengths=tf.constant(lengths))
    return out["embedding"].numpy(), out["segments"].numpy()


def cosine(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("wavs", nargs="+")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    a = ap.parse_args()
    emb, segs = embed(a.model, a.wavs)
    score = cosine(emb[0], emb[1]) if len(a.wavs) > 1 else None
    if a.json:
        print(json.dumps({"files": a.wavs, "embeddings": emb.tolist(), "segments": segs.tolist(), "score": score}))
        return
    np.set_printoptions(precision=4, suppress=True, threshold=8)
    for p, e, s in zip(a.wavs, emb, segs):
        print(f"{p}: {s} segments, embedding[{len(e)}] {e}")
    if score is not None:
        print(f"cosine score {a.wavs[0]} vs {a.wavs[1]}: {score:.4f}")


if __name__ == "__main__":
    main()
