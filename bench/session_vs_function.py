"""Diagnostic: CPU time of a SavedModel run through a TF1 Session (what the C
API and so voxsiam use) and through the TF2 signature function (what Python
users call), interleaved, on the same segments and threads.

    .venv/bin/python bench/session_vs_function.py --model demo/model --store demo/store

Prints the CPU seconds of each repetition for both paths. Equal numbers mean
a gap between `voxsiam embed` and Python lies in voxsiam's own pipeline, not
in how TensorFlow executes the graph.
"""
import argparse
import time

import numpy as np
import tensorflow as tf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="SavedModel directory (voxsiam export)")
    ap.add_argument("--store", required=True, help="feature store (frames.npy)")
    ap.add_argument("--segments", type=int, default=600)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    frames = np.load(f"{a.store}/frames.npy", mmap_mode="r")
    x = np.ascontiguousarray(frames[: a.segments * 40].reshape(a.segments, 40, -1).astype(np.float32))

    fn = tf.saved_model.load(a.model).signatures["serving_default"]
    g = tf.Graph()
    with g.as_default():
        cfg = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=a.threads,
                                       inter_op_parallelism_threads=a.threads)
        sess = tf.compat.v1.Session(graph=g, config=cfg)
        tf.compat.v1.saved_model.loader.load(sess, ["serve"], a.model)
        inp, out = g.get_tensor_by_name("spectrogram:0"), g.get_tensor_by_name("embedding:0")

    def run_fn():
        for i in range(0, len(x), a.batch):
            fn(spectrogram=tf.constant(x[i : i + a.batch]))

    def run_sess():
        for i in range(0, len(x), a.batch):
            sess.run(out, {inp: x[i : i + a.batch]})

    run_fn(), run_sess()  # warm-up
    res = {"function": [], "session": []}
    for _ in range(a.repeat):
        for name, f in (("function", run_fn), ("session", run_sess)):
            c = time.process_time()
            f()
            res[name].append(round(time.process_time() - c, 3))
    print(res)


if __name__ == "__main__":
    main()
