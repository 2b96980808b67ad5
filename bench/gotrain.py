#!/usr/bin/env python3
"""Helpers for timing `voxsiam train` in the benchmark.

  config  writes the train.toml of a pure training run: the reference
          hyper-parameters, the bench's steps/batch/threads, a loss row every
          step and no validation, MR or periodic checkpoint inside the timed
          steps (validation is what the Keras reference does not do either).
  times   per-step times of a finished run, median after the warm-up, from
          the first source that has them:
            1. <run>/summary.json step-time fields (step_times_s, or
               median_step_s / step_time_median_s),
            2. the TensorBoard scalar train/step_time_ms written at every
               logged step (log_every = 1: one value per step),
            3. wall clock of the whole command / steps (start-up included;
               marked as such).
"""

import argparse
import glob
import json
import os
import statistics
import sys


def write_config(a):
    big = 10 * a.steps + 1000
    toml = f"""# written by bench/gotrain.py: a pure, timed training run
[model]
epsilon = {a.epsilon}
precision = "{a.precision}"

[train]
batch = {a.batch}
steps = {a.steps}
seed = {a.seed}
log_every = 1
val_every = {big}
mr_every = {big}
checkpoint_every = {big}
intra_op_threads = {a.threads}
inter_op_threads = {a.threads}

[data]
store = "{os.path.abspath(a.store)}"
train_speakers = "{os.path.abspath(os.path.join(a.split, 'train.list'))}"
val_speakers = "{os.path.abspath(os.path.join(a.split, 'val.list'))}"
"""
    with open(a.out, "w") as f:
        f.write(toml)


def from_summary(run):
    path = os.path.join(run, "summary.json")
    if not os.path.exists(path):
        return None, None
    with open(path) as f:
        s = json.load(f)
    for k in ("step_times_s", "step_times"):
        if isinstance(s.get(k), list) and s[k]:
            return [float(x) for x in s[k]], f"summary.json {k}"
    for k in ("median_step_s", "step_time_median_s"):
        if s.get(k):
            return float(s[k]), f"summary.json {k}"
    return None, None


def from_tensorboard(run):
    files = glob.glob(os.path.join(run, "events", "**", "events.out.tfevents.*"), recursive=True)
    if not files:
        return None, None
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    times = {}
    for f in files:
        acc = EventAccumulator(f, size_guidance={"scalars": 0, "tensors": 0})
        acc.Reload()
        tags = acc.Tags()
        if "train/step_time_ms" in tags.get("scalars", []):
            for e in acc.Scalars("train/step_time_ms"):
                times[e.step] = e.value / 1000.0
        elif "train/step_time_ms" in tags.get("tensors", []):
            import tensorflow as tf
            for e in acc.Tensors("train/step_time_ms"):
                times[e.step] = float(tf.make_ndarray(e.tensor_proto)) / 1000.0
    if not times:
        return None, None
    return [times[k] for k in sorted(times)], "tensorboard train/step_time_ms (log_every 1)"


def step_times(a):
    for fn in (from_summary, from_tensorboard):
        try:
            t, src = fn(a.run)
        except Exception as err:  # noqa: BLE001 - try the next source, say why
            print(f"gotrain: {fn.__name__}: {err}", file=sys.stderr)
            continue
        if t is not None:
            return t, src
    return None, None


def times(a):
    t, src = step_times(a)
    out = {"source": src}
    if isinstance(t, list):
        timed = t[a.warmup:] if len(t) > a.warmup else t
        out.update({"step_times_s": t, "median_step_s": statistics.median(timed), "warmup": a.warmup})
    elif t is not None:
        out["median_step_s"] = t
    elif a.wall and a.steps:
        out.update({"median_step_s": a.wall / a.steps, "source": "wall clock / steps (start-up included)"})
    if out.get("median_step_s"):
        out["steps_per_s"] = 1.0 / out["median_step_s"]
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("config")
    c.add_argument("--store", required=True)
    c.add_argument("--split", required=True)
    c.add_argument("--steps", type=int, required=True)
    c.add_argument("--batch", type=int, default=100)
    c.add_argument("--threads", type=int, default=2)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--epsilon", type=float, default=1e-7)
    c.add_argument("--precision", choices=("fp32", "bf16"), default="fp32")
    c.add_argument("--out", required=True)
    t = sub.add_parser("times")
    t.add_argument("--run", required=True)
    t.add_argument("--warmup", type=int, default=5)
    t.add_argument("--batch", type=int, default=100)
    t.add_argument("--steps", type=int, default=0)
    t.add_argument("--wall", type=float, default=0.0, help="wall seconds of the train command (last resort)")
    t.add_argument("--out", required=True)
    a = ap.parse_args()
    write_config(a) if a.mode == "config" else times(a)


if __name__ == "__main__":
    main()
