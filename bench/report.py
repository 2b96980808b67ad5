#!/usr/bin/env python3
"""Collects bench/run.sh's raw measurements into results.json and results.md.

  report  read raw/*.json, raw/*.status (rc, wall seconds) and
          raw/*.unavailable, print the Markdown table, write results.*
  score   fallback quality scores of an embeddings directory
          (kref_metrics.embedding_quality), used when `voxsiam eval` is absent

Every number in the table says where it came from (results.json "sources").
Ratios are voxsiam / Keras; for MR and EER lower is better.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TARGETS = {"train": 1.5, "extract": 2.0, "features": 5.0}


def load(raw, name):
    p = os.path.join(raw, name + ".json")
    if not os.path.exists(p):
        return None
    try:
        with open(p) as f:
            return json.load(f)
    except ValueError:
        return None


def status(raw, name):
    """(rc, wall_s) of a step, or (None, None)."""
    rc, wall, _ = status3(raw, name)
    return rc, wall


def status3(raw, name):
    """(rc, wall_s, cpu_s) of a step (CPU of the command and its children), or Nones."""
    p = os.path.join(raw, name + ".status")
    if not os.path.exists(p):
        return None, None, None
    f = open(p).read().split()
    return int(f[0]), float(f[1]), (float(f[2]) if len(f) > 2 else None)


def why(raw, name):
    p = os.path.join(raw, name + ".unavailable")
    if os.path.exists(p):
        return open(p).read().strip()
    rc, _ = status(raw, name)
    if rc not in (None, 0):
        return f"{name} failed with exit {rc} (bench/out/logs/{name}.err)"
    return f"{name}: no result"


def pick(d, *keys):
    """First value of one of keys (case-insensitive), searching nested dicts."""
    if not isinstance(d, dict):
        return None
    low = {k.lower(): v for k, v in d.items()}
    for k in keys:
        v = low.get(k.lower())
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
    for v in d.values():
        if isinstance(v, dict):
            got = pick(v, *keys)
            if got is not None:
                return got
    return None


def rate(raw, name, audio_total=None):
    """audio-seconds per second of a voxsiam step: its JSON, else audio / elapsed or wall."""
    d = load(raw, name)
    r = pick(d, "audio_s_per_s", "audio_seconds_per_second", "audio_seconds_per_s", "realtime_factor")
    if r:
        return r, f"{name} --json audio-seconds per second"
    audio = pick(d, "audio_s", "audio_seconds", "total_audio_s", "duration_s")
    if audio is None and pick(d, "hours"):
        audio = 3600.0 * pick(d, "hours")
    audio = audio or audio_total
    el = pick(d, "elapsed_s", "seconds", "elapsed", "duration")
    src = f"{name} --json audio / elapsed"
    if not el:
        el = status(raw, name)[1]
        src = f"{name} audio / wall clock (start-up included)"
    if audio and el:
        return audio / el, src
    return None, why(raw, name)


def quality_of_eval(ev):
    """MR (exact, and ZHAW's greedy value; true-speaker-count cut), EER and
    threshold accuracy from `voxsiam eval --json`."""
    cuts = {c.get("name"): c for c in (ev.get("clustering") or {}).get("cuts", [])}
    ver = ev.get("verification") or {}
    thr = {t.get("name"): t for t in ver.get("thresholds", [])}
    kind = next((k for k in ("dev_accuracy", "oracle_accuracy") if k in thr), None)
    mr = cuts.get("true_speakers", {}).get("mr")
    if mr is None and ver.get("eer") is None:
        return None
    return {"mr": mr, "mr_zhaw": cuts.get("true_speakers", {}).get("mr_zhaw"),
            "eer": ver.get("eer"), "acc": thr[kind]["accuracy"] if kind else None,
            "acc_kind": {"dev_accuracy": "threshold tuned on the val speakers",
                         "oracle_accuracy": "oracle threshold on the test pairs"}.get(kind, "none")}


def logmel_cpu_ms(raw):
    """CPU ms per 10 s of audio of Go's BenchmarkLogMel and of bench/features.py (librosa)."""
    import re
    logs = os.path.join(os.path.dirname(os.path.abspath(raw)), "logs")
    def grab(name, pattern):
        p = os.path.join(logs, name + ".out")
        if status(raw, name)[0] != 0 or not os.path.exists(p):
            return None
        m = re.search(pattern, open(p).read())
        return float(m.group(1)) if m else None
    return (grab("go_logmel", r"([0-9.]+) cpu-ms/10s-audio"),
            grab("librosa_logmel", r"log-mel[^:\n]*: ([0-9.]+) cpu-ms"))


def store_audio(store):
    p = os.path.join(store, "manifest.tsv")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        next(f)
        return sum(float(line.rstrip("\n").split("\t")[5]) for line in f if line.strip())


def count(path):
    return sum(1 for line in open(path) if line.strip()) if os.path.exists(path) else None


def measures(a):
    raw = a.raw
    rows, notes, src, quality = [], [], {}, {}
    n_spk = count(os.path.join(a.split, "train.list"))
    import kref_flops
    gflop = kref_flops.train_step_flops(a.batch, n_spk) / 1e9 if n_spk else None

    # training speed
    kt, vt = load(raw, "keras_train"), load(raw, "vox_train_times")
    k_sps = kt and kt.get("steps_per_s")
    v_sps = vt and vt.get("steps_per_s")
    src["train_vox"] = vt.get("source") if vt else why(raw, "vox_train")
    src["train_keras"] = "keras_reference.py train step_times_s (train_on_batch), median" if kt else why(raw, "keras_train")
    rows.append(("Training steps/s (batch %d, median after %d warm-up)" % (a.batch, a.warmup),
                 v_sps, k_sps, "higher", TARGETS["train"]))
    rows.append(("Training GFLOP/s (%.1f GFLOP/step, S=%s)" % (gflop or 0, n_spk),
                 v_sps and gflop and v_sps * gflop, k_sps and gflop and k_sps * gflop, "higher", None))

    v_cpu_step = None
    _, _, cpu = status3(raw, "vox_train")
    if cpu and a.steps:
        v_cpu_step = cpu / a.steps
    rows.append(("Training steps per CPU-s (load-independent; voxsiam incl. start-up)",
                 v_cpu_step and 1.0 / v_cpu_step, kt and kt.get("steps_per_cpu_s"), "higher", TARGETS["train"]))

    bf16_rows(raw, a, rows, notes, src, v_sps, k_sps, v_cpu_step, kt)

    # extraction speed: end to end from audio (primary), then TF compute only on the store's features
    # (the compute-only row has no target: the same TF kernels run on both sides, ~1x by construction)
    k_rates = {}
    for kind, vname, kname, label, target in (
            ("audio", "vox_embed_audio", "keras_audio", "Embedding extraction, end to end from audio",
             TARGETS["extract"]),
            ("store", "vox_embed", "keras_predict",
             "Extraction, TF compute only (same SavedModel, precomputed features)", None)):
        k_rates[kind] = extraction_rows(raw, kind, vname, kname, label, target, rows, notes, src)
    if k_rates.get("audio") and k_rates.get("store"):
        notes.append(f"Extraction ceiling: with the TensorFlow work equal on both sides (the same SavedModel "
                     f"and kernels; the TF-compute-only row), no implementation can beat Keras end to end "
                     f"by more than Keras' end-to-end time / its TF-only time = "
                     f"{k_rates['store'] / k_rates['audio']:.2f}x on this corpus (Amdahl: only the decoding "
                     f"and log-mel share, {100 * (1 - k_rates['audio'] / k_rates['store']):.0f}% of Keras' time, "
                     f"can shrink)")
    # feature extraction
    v_ft, src["features_vox"] = rate(raw, "vox_features", store_audio(a.store) if a.store else None)
    lf = load(raw, "librosa_features")
    src["features_librosa"] = ("features-bench (librosa load + melspectrogram + log10; in-process loop, "
                               "imports excluded)" if lf else why(raw, "librosa_features"))
    rows.append(("Feature extraction, audio-s/s in-process (voxsiam incl. writing the store)", v_ft,
                 lf and lf["audio_s_per_s"], "higher", TARGETS["features"]))
    vf = load(raw, "vox_features")
    v_cpu = pick(vf, "audio_seconds_per_cpu_second")
    if v_cpu is None:  # older binaries: whole-process CPU (start-up included)
        _, _, cpu = status3(raw, "vox_features")
        audio = store_audio(a.store) if a.store else None
        v_cpu = audio / cpu if cpu and audio else None
    rows.append(("Feature extraction, audio-s per CPU-s in-process (load-independent)", v_cpu,
                 lf and lf.get("audio_s_per_cpu_s"), "higher", TARGETS["features"]))
    rows.append(process_row(raw, "Feature extraction, whole command incl. start-up, audio-s/s",
                            "vox_features", ["librosa_features"], lf and lf.get("audio_s")))

    go_ms, lib_ms = logmel_cpu_ms(a.raw)
    src["logmel_compute"] = ("go test -bench BenchmarkLogMel (cpu-ms/10s-audio) vs bench/features.py (cpu-ms)"
                             if go_ms and lib_ms else why(raw, "go_logmel"))
    rows.append(("Log-mel compute only, audio-s per CPU-s (Go benchmark vs librosa)",
                 go_ms and 10000.0 / go_ms, lib_ms and 10000.0 / lib_ms, "higher", TARGETS["features"]))

    # quality at equal steps, per training seed: mean and range
    n_test = count(os.path.join(a.split, "test.list"))
    seeds = (a.seeds or "1").split()
    for impl, label in (("vox", "voxsiam"), ("keras", "Keras")):
        per_seed = []
        for i, seed in enumerate(seeds):
            sfx = "" if i == 0 else "_s" + seed
            q, how = quality_of(raw, impl, sfx, label)
            per_seed.append(q)
            src[f"quality_{impl}" + (f"_seed{seed}" if len(seeds) > 1 else "")] = how
        quality[impl] = summarise(per_seed)
    spk = f"{n_test} test speakers" if n_test else "test speakers"
    if len(seeds) > 1:
        spk += f", {len(seeds)} seeds: mean"
    # the ZHAW MR depends on the cluster numbering: shown for comparison with
    # the published numbers, no target
    for key, name, better, target in (
            ("mr", f"MR (exact), {spk} (lower is better)", "lower", 1.0),
            ("mr_zhaw", f"MR (ZHAW mr.py greedy approximation), {spk} (lower is better)", "lower", None),
            ("eer", f"EER, test pairs of {spk} (lower is better)", "lower", 1.0),
            ("acc", f"Threshold accuracy, test pairs of {spk}", "higher", 1.0)):
        rows.append((name, quality["vox"].get(key), quality["keras"].get(key), better, target))
    if len(seeds) > 1:
        for impl, label in (("vox", "voxsiam"), ("keras", "Keras")):
            q = quality[impl]
            notes.append(f"Quality over seeds {' '.join(seeds)} ({label}, {a.steps} steps, {spk.split(',')[0]}, "
                         f"{q.get('mr_n')} of {len(seeds)} seeds scored): "
                         + "; ".join(f"{k.upper()} mean {fmt(q.get(k))} range {span(q.get(k + '_range'))}"
                                     for k in ("mr", "mr_zhaw", "eer", "acc")))
    quality_json = {impl: quality[impl] for impl in quality}
    quality_json["seeds"], quality_json["test_speakers"] = seeds, n_test
    base = load(raw, "base_eval")
    qb = quality_of_eval(base) if base else None
    if qb:
        notes.append(f"Non-neural baseline on the same {spk.split(',')[0]} (voxsiam baseline: log-mel/MFCC mean+std "
                     f"per utterance, no training): MR {fmt(qb['mr'])}, EER {fmt(qb['eer'])}, threshold accuracy "
                     f"{fmt(qb['acc'])} ({qb['acc_kind']}); the quality rows above mean little unless they beat it")
        quality_json["baseline"] = qb
    else:
        notes.append(f"Non-neural baseline: not measured ({why(raw, 'base_eval')})")
    src["quality_baseline"] = "voxsiam eval of voxsiam baseline test embeddings" if qb else why(raw, "base_eval")
    quality_json["peers"] = peer_notes(raw, spk.split(",")[0], notes, src)
    a.quality = quality_json  # per-implementation mean/range, into results.json

    seed = load(raw, "keras_seed")
    if seed and seed.get("pairs"):
        p = seed["pairs"]
        notes.append(f"Seed setup ({seed['steps']} steps): Keras 'accuracy' while training "
                     f"{seed.get('final_keras_accuracy'):.3f}; on {p['pairs']} val pairs Keras 'accuracy' "
                     f"{p['keras_accuracy']:.3f} vs accuracy at a tuned distance threshold {p['threshold_accuracy']:.3f}")
    if kt and kt.get("pairs"):
        p = kt["pairs"]
        notes.append(f"PKLD reference ({kt['steps']} steps): Keras-style 'accuracy' on symmetric-KL distances "
                     f"{p['keras_accuracy']:.3f} vs tuned-threshold accuracy {p['threshold_accuracy']:.3f}")
    return rows, notes, src, gflop, n_spk


def peer_notes(raw, spk, notes, src):
    """Notes for the pretrained peer encoders (bench/run.sh peer_<name>_*: peers.py --json on the
    val and test speakers, voxsiam eval of the test embeddings); returns their quality and speed."""
    names = sorted({f[len("peer_"):].rsplit("_eval", 1)[0] for f in os.listdir(raw)
                    if f.startswith("peer_") and f.endswith(("_eval.json", "_eval.unavailable", "_eval.status"))})
    out = {}
    for p in names:
        q = quality_of_eval(load(raw, f"peer_{p}_eval") or {})
        sp = load(raw, f"peer_{p}_embed_test") or {}
        if not q:
            notes.append(f"Peer {p}: not measured ({why(raw, f'peer_{p}_eval')})")
            src[f"quality_peer_{p}"] = why(raw, f"peer_{p}_eval")
            continue
        speed = (f"; extraction of the test speakers from audio: {fmt(sp.get('files_per_s'))} files/s, "
                 f"{fmt(sp.get('segments_per_s'))} segments/s, {fmt(sp.get('audio_s_per_s'))} audio-s/s at "
                 f"{sp.get('threads')} torch threads" if sp else "")
        notes.append(f"Peer {p} on the same {spk} (pretrained on other corpora, docs/peers.md; not trained here): "
                     f"MR {fmt(q['mr'])}, EER {fmt(q['eer'])}, threshold accuracy {fmt(q['acc'])} ({q['acc_kind']})"
                     + speed)
        src[f"quality_peer_{p}"] = f"voxsiam eval of scripts/peers/peers.py --peer {p} test embeddings"
        out[p] = dict(q, speed={k: sp.get(k) for k in ("files_per_s", "segments_per_s", "audio_s_per_s", "threads")})
    return out


def bf16_rows(raw, a, rows, notes, src, v_fp32, k_fp32, v_cpu_fp32, kt):
    """Training with bfloat16 matrix products (voxsiam --precision bf16 vs Keras'
    mixed_bfloat16 policy), and each side's bf16/fp32 speed ratio, all from this run."""
    if not getattr(a, "bf16_steps", 0):
        return
    kb, vb = load(raw, "keras_train_bf16"), load(raw, "vox_train_times_bf16")
    v_sps, k_sps = vb and vb.get("steps_per_s"), kb and kb.get("steps_per_s")
    src["train_bf16_vox"] = ("voxsiam train --precision bf16, " + (vb.get("source") or "")) if vb else why(raw, "vox_train_bf16")
    src["train_bf16_keras"] = ("keras_reference.py train --precision bf16 (mixed_bfloat16 policy, float32 softmax "
                               "and loss), median train_on_batch" if kb else why(raw, "keras_train_bf16"))
    rows.append(("Training steps/s, bf16 (voxsiam --precision bf16 vs Keras mixed_bfloat16; %d steps, "
                 "median after %d warm-up)" % (a.bf16_steps, a.warmup), v_sps, k_sps, "higher", None))
    _, _, cpu = status3(raw, "vox_train_bf16")
    v_cpu = a.bf16_steps / cpu if cpu else None
    rows.append(("Training steps per CPU-s, bf16 (load-independent; voxsiam incl. start-up)",
                 v_cpu, kb and kb.get("steps_per_cpu_s"), "higher", None))
    rows.append(("Training speed-up of bf16 over fp32 (bf16 / fp32 steps/s of the same side)",
                 v_sps and v_fp32 and v_sps / v_fp32, k_sps and k_fp32 and k_sps / k_fp32, "higher", None))
    rows.append(("Training speed-up of bf16 over fp32, per CPU-s (bf16 / fp32 steps per CPU-s)",
                 v_cpu and v_cpu_fp32 and v_cpu * v_cpu_fp32, kb and kt and kb.get("steps_per_cpu_s")
                 and kt.get("steps_per_cpu_s") and kb["steps_per_cpu_s"] / kt["steps_per_cpu_s"], "higher", None))
    vr = load(raw, "vox_train_bf16")
    losses = [("voxsiam", vr and pick(vr, "final_loss")), ("Keras", kb and kb.get("final_loss"))]
    notes.append("bf16 training (%d steps, first seed): final loss " % a.bf16_steps
                 + ", ".join(f"{n} {fmt(l)}" for n, l in losses)
                 + " (the fp32 trainings' losses after %d steps are in raw/*train*.json)" % a.steps)


def extraction_rows(raw, kind, vname, kname, label, target, rows, notes, src):
    """Appends the audio-s/s and audio-s per CPU-s rows of one extraction
    measurement (voxsiam step vname vs predict-bench kname_{tf,keras})."""
    v_ex, src[f"extract_{kind}_vox"] = rate(raw, vname)
    k_ex, k_api, k_cpu = None, None, None
    for api in ("tf", "keras"):
        d = load(raw, f"{kname}_{api}")
        if not d:
            continue
        if k_ex is None or d["audio_s_per_s"] > k_ex:
            k_ex, k_api = d["audio_s_per_s"], d.get("api")
        if d.get("audio_s_per_cpu_s") and (k_cpu is None or d["audio_s_per_cpu_s"] > k_cpu):
            k_cpu = d["audio_s_per_cpu_s"]
        c = d.get("compare")
        if c:
            notes.append(f"Extraction parity, {kind} ({api}): voxsiam embed vs predict-bench on the same "
                         f"SavedModel, {c.get('matched')} utterances, max abs diff {fmt(c.get('max_abs_diff'))}")
    what = "librosa.load + reference log-mel + " if kind == "audio" else ""
    src[f"extract_{kind}_keras"] = (f"predict-bench --{'audio-dir' if kind == 'audio' else 'store'}: {what}"
                                    f"SavedModel, faster API: {k_api}" if k_ex else why(raw, f"{kname}_tf"))
    rows.append((label + ", audio-s/s in-process (model loaded)", v_ex, k_ex, "higher", target))
    vd = load(raw, vname)
    v_cpu = pick(vd, "audio_seconds_per_cpu_second")
    if v_cpu is None:  # older binaries: whole-process CPU (start-up included)
        _, _, cpu = status3(raw, vname)
        v_audio = pick(vd, "audio_seconds", "audio_s")
        v_cpu = v_audio / cpu if cpu and v_audio else None
    rows.append((label + ", audio-s per CPU-s in-process (load-independent)", v_cpu, k_cpu, "higher", target))
    rows.append(process_row(raw, label + ", whole command incl. start-up, audio-s/s", vname,
                            [f"{kname}_tf", f"{kname}_keras"], pick(vd, "audio_seconds", "audio_s")))
    return k_ex


def process_row(raw, label, vname, knames, audio):
    """Audio-s per second of wall clock of the whole command, start-up included on
    both sides (bin/voxsiam: loading libtensorflow; Python: importing TensorFlow,
    Keras and librosa): what a user waits for. The faster Keras variant counts."""
    _, v_wall = status(raw, vname)
    k_walls = [w for w in (status(raw, k)[1] for k in knames if status(raw, k)[0] == 0) if w]
    k = audio / min(k_walls) if audio and k_walls else None
    return (label, audio / v_wall if audio and v_wall else None, k, "higher", None)


def quality_of(raw, impl, sfx, label):
    """MR/EER/accuracy of one implementation and seed: voxsiam eval, else the Python fallback."""
    ev = load(raw, impl + "_eval" + sfx)
    q = quality_of_eval(ev) if ev else None
    if q:
        return q, f"voxsiam eval of the {label} test embeddings (accuracy: {q['acc_kind']})"
    d = load(raw, impl + "_eval_py" + sfx)
    if not d:
        return {}, why(raw, impl + "_eval" + sfx)
    return ({"mr": d.get("mr"), "eer": d.get("eer"), "acc": d.get("threshold_accuracy")},
            f"python fallback, report.py score (voxsiam eval: {why(raw, impl + '_eval' + sfx)})")


def summarise(per_seed):
    """Mean and [min, max] of each quality value over the seeds that have it."""
    out = {}
    for k in ("mr", "mr_zhaw", "eer", "acc"):
        vals = [q[k] for q in per_seed if q.get(k) is not None]
        out[k] = sum(vals) / len(vals) if vals else None
        out[k + "_range"] = [min(vals), max(vals)] if vals else None
        out[k + "_n"] = len(vals)
    return out


def span(r):
    return "n/a" if not r else f"{fmt(r[0])}-{fmt(r[1])}"


def fmt(x):
    if x is None:
        return "n/a"
    return f"{x:.4g}"


def verdict(v, k, better, target):
    """(ratio v/k or None, "yes"/"no"/"-"/"n/a") against the target ratio."""
    if v is None or k is None:
        return None, "n/a"
    if k == 0:  # e.g. Keras MR 0: no ratio, compare the values
        if target is None:
            return None, "-"
        return None, "yes" if (v <= 0 if better == "lower" else v >= 0) else "no"
    r = v / k
    if target is None:
        return r, "-"
    ok = r >= target if better == "higher" else r <= target
    return r, "yes" if ok else "no"


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(a):
    rows, notes, src, gflop, n_spk = measures(a)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta = {"date": now, "cpu": cpu_model(), "cpus": os.cpu_count(), "threads": a.threads,
            "vox_train_threads": a.vox_train_threads, "steps": a.steps,
            "warmup": a.warmup, "batch": a.batch, "train_speakers": n_spk, "train_step_gflop": gflop,
            "seeds": (a.seeds or "1").split(), "quality": getattr(a, "quality", None)}
    lines = [f"# voxsiam vs Keras reference — {now}", "",
             f"CPU: {meta['cpu']} ({meta['cpus']} CPUs), threads: {a.threads}, batch {a.batch}, "
             f"{a.steps} training steps each, {n_spk} training speakers, "
             f"seeds {a.seeds or '1'} (speed rows: first seed)"
             + (f"; voxsiam training with TensorFlow's default thread pools (one thread per core = {os.cpu_count()})"
                if a.vox_train_threads == 0 else ""), "",
             "| Measure | voxsiam | Keras reference | voxsiam / Keras | Target | Met |",
             "|---|---:|---:|---:|---|---|"]
    table = []
    for name, v, k, better, target in rows:
        r, ok = verdict(v, k, better, target)
        tgt = "-" if target is None else (f">= {target:g}x" if better == "higher" and target != 1.0 else
                                          ("<= Keras" if better == "lower" else ">= Keras"))
        lines.append(f"| {name} | {fmt(v)} | {fmt(k)} | {fmt(r) + 'x' if r is not None else 'n/a'} | {tgt} | {ok} |")
        table.append({"measure": name, "voxsiam": v, "keras": k, "ratio": r, "target": tgt, "met": ok})
    lines += ["", "Sources:"] + [f"- {k}: {v}" for k, v in sorted(src.items())]
    if notes:
        lines += ["", "Notes:"] + [f"- {n}" for n in notes]
    md = "\n".join(lines) + "\n"
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "table": table, "sources": src, "notes": notes}, f, indent=1)
    print(md)


def score(a):
    import numpy as np
    import kref_metrics
    emb = np.load(os.path.join(a.embeddings, "embeddings.npy"))
    utts = [l.strip() for l in open(os.path.join(a.embeddings, "utt.list")) if l.strip()]
    spk = dict(l.split()[:2] for l in open(os.path.join(a.embeddings, "utt2spk")) if l.strip())
    out = kref_metrics.embedding_quality(emb, [spk[u] for u in utts])
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out))


def lastjson(src, dst):
    """Writes the last JSON object of a command's stdout (it may print progress first)."""
    text = open(src).read()
    dec, last, i = json.JSONDecoder(), None, 0
    while True:
        i = text.find("{", i)
        if i < 0:
            break
        try:
            obj, end = dec.raw_decode(text, i)
            last, i = obj, end
        except ValueError:
            i += 1
    if not isinstance(last, dict):
        sys.exit(f"report: {src}: no JSON object in the output")
    with open(dst, "w") as f:
        json.dump(last, f, indent=1)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "lastjson":
        return lastjson(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("report")
    r.add_argument("--raw", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--split", required=True)
    r.add_argument("--store", default=None)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--vox-train-threads", type=int, default=None,
                   help="intra/inter-op threads of the voxsiam training run (0 = TF default)")
    r.add_argument("--steps", type=int, default=0)
    r.add_argument("--warmup", type=int, default=5)
    r.add_argument("--batch", type=int, default=100)
    r.add_argument("--bf16-steps", type=int, default=0, help="steps of the bf16 trainings (0 = none run)")
    r.add_argument("--seeds", default="1", help="training seeds of the run, space separated (first = unsuffixed)")
    s = sub.add_parser("score")
    s.add_argument("--embeddings", required=True)
    s.add_argument("--out", required=True)
    a = ap.parse_args()
    report(a) if a.mode == "report" else score(a)


if __name__ == "__main__":
    main()
