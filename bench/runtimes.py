#!/usr/bin/env python3
"""Speed and size of one voxsiam model as SavedModel, TFLite and ONNX, on the same inputs.

    python bench/runtimes.py --saved-model OUT/savedmodel --dir OUT [--utterances 8] [--seconds 3] [--threads 2]

OUT is what `voxsiam export --format tflite|onnx --out OUT` writes (the
SavedModel in OUT/savedmodel, OUT/serving_default.<fmt>,
OUT/embed_waveform.<fmt>); --dir may be given twice, once per format.
Times embed_waveform one utterance at a time (voice-like synthetic
signals of --seconds s at 16 kHz: median of 3 passes over --utterances,
after one warm-up) and serving_default on batches of 100 random segments
(segments/s), in TensorFlow (tf.saved_model.load), the TFLite interpreter
and onnxruntime, each with --threads threads; prints the CPU's flags, the
sizes, and the largest difference of each runtime from the SavedModel.
"""
import argparse
import os
import re
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import runtime_example as rx  # noqa: E402


def cpu_flags():
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return "unknown"
    flags = sorted(set(re.findall(r"\b(avx512_bf16|avx512_vnni|avx2)\b", text)))
    return " ".join(flags) or "none of avx2 avx512_bf16 avx512_vnni"


def voiced(rng, n):
    t = np.arange(n) / 16000.0
    f0 = 100 + 80 * rng.random()
    ph = 2 * np.pi * np.cumsum(f0 * (1 + 0.2 * np.sin(t * 10))) / 16000
    x = (0.5 + 0.5 * np.sin(t * 20)) * (0.3 * np.sin(ph) + 0.1 * np.sin(3 * ph)) + 1e-3 * rng.standard_normal(n)
    return x.astype(np.float32)


def size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def timed(fn, items):
    fn(items[0])
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        for it in items:
            fn(it)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def runners(a):
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    sm = tf.saved_model.load(a.saved_model)
    out = {"savedmodel": {
        "embed_waveform": lambda **kw: {k: v.numpy() for k, v in sm.signatures["embed_waveform"](**{k: tf.constant(v) for k, v in kw.items()}).items()},
        "serving_default": lambda **kw: {k: v.numpy() for k, v in sm.signatures["serving_default"](**{k: tf.constant(v) for k, v in kw.items()}).items()},
        "bytes": size(a.saved_model)}}
    for d in a.dir:
        for fmt in ("tflite", "onnx"):
            if not os.path.exists(os.path.join(d, "embed_waveform." + fmt)):
                continue
            r = {"bytes": 0}
            for sig in ("embed_waveform", "serving_default"):
                p = os.path.join(d, f"{sig}.{fmt}")
                r["bytes_" + sig] = size(p)
                if fmt == "onnx":
                    import onnxruntime as ort

                    o = ort.SessionOptions()
                    o.intra_op_num_threads, o.inter_op_num_threads = a.threads, 1
                    sess = ort.InferenceSession(p, o, providers=["CPUExecutionProvider"])
                    names = [x.name for x in sess.get_outputs()]
                    r[sig] = lambda s=sess, n=names, **kw: dict(zip(n, s.run(n, kw)))
                else:
                    try:
                        from ai_edge_litert.interpreter import Interpreter
                    except ImportError:
                        Interpreter = tf.lite.Interpreter
                    r[sig] = Interpreter(model_path=p, num_threads=a.threads).get_signature_runner(sig)
            out[fmt] = r
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--saved-model", required=True)
    ap.add_argument("--dir", action="append", default=[])
    ap.add_argument("--utterances", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    utts = [voiced(rng, int(a.seconds * 16000)) for _ in range(a.utterances)]
    rs = runners(a)
    shape = rs["savedmodel"]["serving_default"]  # input [batch, frames, bins] from voxsiam.json
    import json

    meta = json.load(open(os.path.join(a.saved_model, "assets", "voxsiam.json")))
    segs = [rng.random((100, meta["segment"], meta["model"]["bins"]), dtype=np.float32) * 3 for _ in range(3)]
    print(f"cpu flags: {cpu_flags()}; threads {a.threads}; {a.utterances} utterances of {a.seconds} s; serving_default batches of 100")
    ref_w = [rs["savedmodel"]["embed_waveform"](waveform=u[None], lengths=np.array([len(u)], np.int32))["embedding"] for u in utts]
    ref_s = [rs["savedmodel"]["serving_default"](spectrogram=s)["embedding"] for s in segs]
    print("| runtime | size (bytes) | embed_waveform ms/utterance | audio s/s | serving_default segments/s | max abs diff to SavedModel (waveform, segments) |")
    print("|---|---:|---:|---:|---:|---|")
    for name, r in rs.items():
        w = timed(lambda u: r["embed_waveform"](waveform=u[None], lengths=np.array([len(u)], np.int32)), utts)
        s = timed(lambda x: r["serving_default"](spectrogram=x), segs)
        dw = max(float(np.abs(np.asarray(r["embed_waveform"](waveform=u[None], lengths=np.array([len(u)], np.int32))["embedding"]) - e).max()) for u, e in zip(utts, ref_w))
        ds = max(float(np.abs(np.asarray(r["serving_default"](spectrogram=x)["embedding"]) - e).max()) for x, e in zip(segs, ref_s))
        sz = r["bytes"] if name == "savedmodel" else f'{r["bytes_serving_default"]} + {r["bytes_embed_waveform"]}'
        print(f"| {name} | {sz} | {1000 * w / len(utts):.1f} | {len(utts) * a.seconds / w:.1f} | {300 / s:.0f} | {dw:.1e}, {ds:.1e} |")


if __name__ == "__main__":
    main()
