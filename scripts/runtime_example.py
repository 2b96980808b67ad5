#!/usr/bin/env python3
"""Embed WAV files with a voxsiam TFLite or ONNX export, without TensorFlow's SavedModel loader.

    python scripts/runtime_example.py OUT/embed_waveform.tflite a.wav b.wav [more.wav ...]
    python scripts/runtime_example.py OUT/embed_waveform.onnx a.wav b.wav

The files come from `voxsiam export --format tflite|onnx --out OUT`. Reads
each WAV with soundfile (mono: channels averaged; resampled with scipy to
the model's rate, voxsiam.json beside the file, when it differs), runs the
embed_waveform signature once on the zero-padded batch with its lengths
("waveform" [batch, samples] float32, "lengths" [batch] int32 ->
"embedding" [batch, D] float32, "segments" [batch] int32), and prints
each file's embedding and the cosine score of the first two files. The
runtime follows the file's extension: .tflite runs in the TFLite
interpreter (ai_edge_litert when installed, else tensorflow's
tf.lite.Interpreter), .onnx in onnxruntime. --json prints {"files",
"embeddings", "segments", "score"} instead.
"""
import argparse
import json
import os

import numpy as np
import soundfile


def model_rate(model_file):
    """The sample rate the model's features expect (16000 when unstated)."""
    path = os.path.join(os.path.dirname(os.path.abspath(model_file)), "voxsiam.json")
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


def batch(waves):
    """The zero-padded [batch, samples] float32 batch and its int32 lengths."""
    lengths = np.array([len(w) for w in waves], dtype=np.int32)
    x = np.zeros((len(waves), max(int(lengths.max()), 1)), dtype=np.float32)
    for i, w in enumerate(waves):
        x[i, : len(w)] = w
    return x, lengths


def tflite_runner(path, signature="embed_waveform"):
    """A function of the signature's named inputs returning its named outputs."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    return Interpreter(model_path=path).get_signature_runner(signature)


def onnx_runner(path):
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return lambda **feeds: dict(zip(names, sess.run(names, feeds)))


def runner(path):
    return onnx_runner(path) if path.endswith(".onnx") else tflite_runner(path)


def embed(model_file, paths):
    """Embeddings [len(paths), D] and segments per file, in one batch."""
    rate = model_rate(model_file)
    x, lengths = batch([read_wav(p, rate) for p in paths])
    out = runner(model_file)(waveform=x, lengths=lengths)
    return np.asarray(out["embedding"]), np.asarray(out["segments"])


def cosine(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="embed_waveform.tflite or embed_waveform.onnx")
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
