"""train / embed / export modes of keras_reference.py.

Training: Adam(lr 1e-3, beta 0.9/0.999, eps 1e-8) on reference mini-batches
(kref_store.BatchSampler), one Keras `train_on_batch` per step. Each step is
timed from the call to the returned loss (batch sampling excluded); the
summary reports the median over the steps after --warmup.
"""

import json
import os
import statistics
import time

import numpy as np
import tensorflow as tf

import kref_flops
import kref_metrics
from kref_model import (EPSILON, MARGIN, SEED_MARGIN, build_network, build_seed_model,
                        embedding_model, keras_module, make_pkld_loss, seed_hinge_loss, set_precision,
                        symmetric_kl)
from kref_store import BatchSampler, Store, read_list, segments, write_embeddings_dir

WEIGHTS = "model.weights.h5"


def run(args):
    keras = keras_module(args.keras)
    keras.utils.set_random_seed(args.seed)
    policy = set_precision(keras, args.precision)
    store = Store(args.store)
    sampler = BatchSampler(store, read_list(args.train_speakers), seed=args.seed, sampling=args.sampling)
    n_spk = len(sampler.speakers)
    seed = args.setup == "seed"
    margin = args.margin if args.margin is not None else (SEED_MARGIN if seed else MARGIN)
    epsilon = args.epsilon if args.epsilon is not None else EPSILON
    if seed:
        model = build_seed_model(keras, n_mels=store.n_mels, n_speakers=n_spk, unroll=args.unroll)
        loss = lambda y, d: seed_hinge_loss(y, d, margin)
        metrics = ["accuracy"]
    else:
        model = build_network(keras, n_spk, n_mels=store.n_mels, unroll=args.unroll)
        loss, metrics = make_pkld_loss(margin, epsilon), None
    opt = keras.optimizers.Adam(learning_rate=args.lr, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    model.compile(optimizer=opt, loss=loss, metrics=metrics)

    times, cpu, curve, acc_curve = [], [], [], []
    for step in range(1, args.steps + 1):
        if seed:
            a, b, y = sampler.pairs(args.batch)
            x = [a, b]
        else:
            x, y = sampler.batch(args.batch)
        c0, t0 = time.process_time(), time.perf_counter()
        out = model.train_on_batch(x, y, return_dict=True)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if step % args.log_every == 0 or step == 1 or step == args.steps:
            curve.append([step, float(out["loss"])])
            if seed:
                acc_curve.append([step, float(out["accuracy"])])

    os.makedirs(args.out, exist_ok=True)
    model.save_weights(os.path.join(args.out, WEIGHTS))
    ref = {"setup": args.setup, "precision": args.precision, "speakers": sampler.speakers, "n_speakers": n_spk, "n_mels": store.n_mels,
           "margin": margin, "epsilon": epsilon, "unroll": args.unroll, "keras": args.keras}
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)

    timed = times[args.warmup:] if len(times) > args.warmup else times
    med = statistics.median(timed)
    med_cpu = statistics.median(cpu[args.warmup:] if len(cpu) > args.warmup else cpu)
    gflop = kref_flops.train_step_flops(args.batch * (2 if seed else 1), n_spk) / 1e9
    summary = {
        "setup": args.setup, "precision": args.precision, "policy": policy,
        "steps": args.steps, "warmup": args.warmup, "batch": args.batch,
        "n_speakers": n_spk, "margin": margin, "epsilon": epsilon, "sampling": args.sampling,
        "unroll": args.unroll, "step_times_s": times, "median_step_s": med, "steps_per_s": 1.0 / med,
        "cpu_step_times_s": cpu, "median_cpu_step_s": med_cpu, "steps_per_cpu_s": 1.0 / med_cpu,
        "train_step_gflop": gflop, "gflops": gflop / med,
        "loss_curve": curve, "final_loss": curve[-1][1], "out": args.out,
    }
    if seed:
        summary["keras_accuracy_curve"] = acc_curve
        summary["final_keras_accuracy"] = acc_curve[-1][1]
    if args.val_speakers:
        summary["pairs"] = pair_report(model, store, args, seed, epsilon)
    with open(os.path.join(args.out, "train.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def pair_report(model, store, args, seed, epsilon):
    """Keras 'accuracy' vs a tuned-threshold accuracy on balanced val pairs."""
    sampler = BatchSampler(store, read_list(args.val_speakers), seed=args.seed + 1)
    a, b, y = sampler.pairs(args.val_pairs)
    if seed:
        d = model.predict([a, b], batch_size=args.batch, verbose=0).reshape(-1)
        kind = "one-direction clipped KL of the PReLU outputs (the seed distance)"
    else:
        p = model.predict(a, batch_size=args.batch, verbose=0)
        q = model.predict(b, batch_size=args.batch, verbose=0)
        d = symmetric_kl(tf.constant(p), tf.constant(q), epsilon).numpy()
        kind = "symmetric KL of the softmax distributions"
    thr = kref_metrics.threshold_accuracy(y, d)
    return {"pairs": int(len(y)), "distance": kind,
            "keras_accuracy": kref_metrics.keras_binary_accuracy(y, d),
            "threshold_accuracy": thr["test_accuracy"], "threshold": thr["threshold"],
            "mean_distance_same": float(np.mean(d[y > 0.5])), "mean_distance_diff": float(np.mean(d[y < 0.5]))}


def load_reference(args):
    keras = keras_module(args.keras)
    with open(os.path.join(args.model, "reference.json")) as f:
        ref = json.load(f)
    if ref["setup"] != "pkld":
        raise SystemExit(f"keras_reference: {args.model}: setup {ref['setup']} has no L3 embedding model; train --setup pkld")
    model = build_network(keras, ref["n_speakers"], n_mels=ref["n_mels"], unroll=ref.get("unroll", False))
    model.load_weights(os.path.join(args.model, WEIGHTS))
    return keras, model, ref


def embed(args):
    keras, model, ref = load_reference(args)
    emb_model = embedding_model(keras, model)
    store = Store(args.store)
    keep = read_list(args.speakers) if args.speakers else None
    utts = [u for u in store.utterances if keep is None or u.speaker in set(keep)]
    t0 = time.perf_counter()
    embs, dists = [], []
    for u in utts:
        segs = segments(store.utt_frames(u), cut=args.cut)
        e, p = emb_model.predict_on_batch(segs) if len(segs) <= args.batch else \
            emb_model.predict(segs, batch_size=args.batch, verbose=0)
        embs.append(np.asarray(e).mean(axis=0))
        dists.append(np.asarray(p).mean(axis=0))
    elapsed = time.perf_counter() - t0
    write_embeddings_dir(args.out, [u.utt_id for u in utts], [u.speaker for u in utts], embs, dists)
    audio = sum(u.duration for u in utts)
    return {"utterances": len(utts), "audio_s": audio, "elapsed_s": elapsed,
            "audio_s_per_s": audio / elapsed if elapsed > 0 else None, "out": args.out, "dim": int(len(embs[0])) if embs else 0}


class _Serving(tf.Module):
    def __init__(self, emb_model, frames, n_mels):
        super().__init__()
        self.net = emb_model
        self.serve = tf.function(self._serve, input_signature=[
            tf.TensorSpec([None, frames, n_mels], tf.float32, name="spectrogram")])

    def _serve(self, spectrogram):
        e, p = self.net(spectrogram, training=False)
        return {"embedding": e, "distribution": p}


def export(args):
    keras, model, ref = load_reference(args)
    module = _Serving(embedding_model(keras, model), 40, ref["n_mels"])
    tf.saved_model.save(module, args.out, signatures={"serving_default": module.serve})
    return {"out": args.out, "signature": "serving_default", "inputs": ["spectrogram"],
            "outputs": ["embedding", "distribution"]}
