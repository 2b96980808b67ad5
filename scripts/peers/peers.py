#!/usr/bin/env python3
"""Embed utterances with a pretrained peer speaker encoder into the layout of `voxsiam embed`.

  .peers-venv/bin/python scripts/peers/peers.py --peer resemblyzer|campplus \
      --in <corpus dir | audio files | feature store dir | manifest.tsv> --out DIR

Inputs are resolved as `voxsiam embed --in` resolves them (corpus.py,
manifest.py), so the utterance ids are the ones voxsiam's own embeddings of
the same input carry. A feature store's utterances are embedded from the
audio its manifest names, VAD-trimmed when the store's features were.
Output: outdir.py. Exit status: 0 done, 1 failure, 2 usage, 3 bad input.
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import audio  # noqa: E402
import corpus  # noqa: E402
import manifest  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="peers.py", description=__doc__.split("\n")[0])
    ap.add_argument("--peer", required=True, choices=["resemblyzer", "campplus"])
    ap.add_argument("--in", dest="inputs", action="append", required=True,
                    help="corpus directory, feature store (directory or its manifest.tsv), or audio files (repeatable)")
    ap.add_argument("--out", required=True, help="embeddings directory to write")
    ap.add_argument("--layout", default="auto", choices=("auto",) + corpus.LAYOUTS)
    ap.add_argument("--speakers", help="speaker list file: embed only these speakers")
    ap.add_argument("--kaldi-pipes", action="store_true", help="run wav.scp commands ('... |') with sh")
    ap.add_argument("--vad", choices=["auto", "on", "off"], default="auto",
                    help="trim leading/trailing silence as 'voxsiam features --vad' (auto: as the store's features.json says; off for audio)")
    ap.add_argument("--vad-threshold-db", type=float, default=60.0, help="with --vad on for audio input")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (0: torch's default, one per core); default 1: on the shared 2-core machine "
                         "2 threads ran 4.7x (Resemblyzer) and over 10x (CAM++) slower (docs/peers.md)")
    ap.add_argument("--batch", type=int, default=32, help="utterances decoded and embedded together")
    ap.add_argument("--chunk", type=int, default=512, help="utterances per resumable chunk on disk")
    ap.add_argument("--limit", type=int, default=0, help="embed only the first N utterances (0: all)")
    ap.add_argument("--restart", action="store_true", help="discard the partial output of an interrupted run")
    ap.add_argument("--skip-done", action="store_true",
                    help="do nothing when OUT already holds a finished run of the same peer, input and settings")
    ap.add_argument("--strict", action="store_true", help="fail on the first unreadable utterance (exit 3)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    return ap.parse_args(argv)


def resolve(args):
    """The Items to embed, the input kind and the VAD setting (n_fft, hop, top_db) or None."""
    paths = args.inputs
    store = manifest.store_dir(paths[0]) if len(paths) == 1 else None
    vad = None
    if store is not None:
        items, kind = manifest.store_items(store), "store"
        feats = manifest.read_features(store)
        if (args.vad == "auto" and feats.get("vad")) or args.vad == "on":
            scale = audio.RATE / float(feats.get("sample_rate") or audio.RATE)
            vad = (int(round(feats.get("n_fft", 1024) * scale)), int(round(feats.get("hop", 160) * scale)),
                   float(feats.get("vad_threshold_db") or args.vad_threshold_db))
    elif len(paths) == 1 and os.path.isdir(paths[0]):
        items, kind = corpus.scan(paths[0], args.layout, args.kaldi_pipes), "corpus"
    else:
        for p in paths:
            if os.path.isdir(p):
                raise corpus.BadInput("source: input %s: a directory among several inputs (give one corpus or store, or files)" % p)
            if not os.path.exists(p):
                raise corpus.BadInput("source: input %s: no such file" % p)
        items, kind, first = [], "files", {}
        for p in paths:
            base = os.path.basename(p)
            it = corpus.Item(base[: len(base) - len(corpus.go_ext(base))], "", p)
            if it.utt in first:
                raise corpus.BadInput("source: inputs %s and %s both give utterance id %r (the file name without extension)" % (first[it.utt], p, it.utt))
            first[it.utt] = p
            items.append(it)
    if kind != "store" and args.vad == "on":
        vad = (1024, 160, args.vad_threshold_db)  # feature.DefaultConfig n_fft and hop at 16 kHz
    if args.speakers:
        keep = corpus.read_speakers(args.speakers)
        items = [it for it in items if it.speaker in keep]
    if args.limit > 0:
        items = items[: args.limit]
    if not items:
        raise corpus.BadInput("peers: %s: no utterances to embed%s" % (" ".join(paths), " of the listed speakers" if args.speakers else ""))
    return items, kind, vad


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as fh:
            words = set(fh.read().split())
    except OSError:
        return []
    return sorted(w for w in ("avx2", "avx512_vnni", "avx512_bf16") if w in words)


class Progress:
    def __init__(self, name, total, every=5.0):
        self.name, self.total, self.every = name, total, every
        self.t0 = self.last = time.time()
        self.shown = -1

    def show(self, n, segs, final=False):
        now = time.time()
        if (not final and now - self.last < self.every) or (final and n == self.shown):
            return
        self.last, self.shown = now, n
        dt = max(now - self.t0, 1e-9)
        eta = (self.total - n) * dt / max(n, 1)
        print("%s: %d/%d utterances (%.1f files/s, %.1f segments/s, ETA %dm%02ds)"
              % (self.name, n, self.total, n / dt, segs / dt, eta // 60, eta % 60), file=sys.stderr, flush=True)


def prepare(enc, it, vad):
    """Loads and preprocesses one utterance: (wav, seconds, vad_fallback) or the exception."""
    try:
        x = audio.load_item(it, vad)
        w, fell = enc.preprocess(x)
        return w, len(x) / audio.RATE, fell
    except (audio.BadAudio, OSError, ValueError, corpus.BadInput) as e:
        return e


def run(args):
    import torch
    import encoders
    import outdir
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    items, kind, vad = resolve(args)
    Enc = encoders.ENCODERS[args.peer]
    src = os.path.abspath(args.inputs[0]) + (" (+%d files)" % (len(args.inputs) - 1) if len(args.inputs) > 1 else "")
    meta = {"peer": Enc.name, "package": Enc.package, "version": encoders.version(Enc.package),
            "weights": Enc.weights, "dim": Enc.dim, "torch": torch.__version__, "input": src, "input_kind": kind,
            "speakers": os.path.abspath(args.speakers) if args.speakers else None, "limit": args.limit,
            "vad": list(vad) if vad else None, "doc": "docs/peers.md"}
    if args.skip_done and not args.restart and outdir.finished(args.out, meta):
        print("%s: %s already holds this run (--skip-done)" % (args.peer, args.out), file=sys.stderr)
        return 0
    out = outdir.Output(args.out, meta, restart=args.restart, chunk=args.chunk)
    todo = [it for it in items if not out.done(it.utt)]
    t_start = time.time()
    enc = Enc()
    warm = np.random.default_rng(0).standard_normal(2 * audio.RATE).astype(np.float32) * 0.1
    enc.embed([enc.preprocess(warm)[0]])  # first calls compile (librosa's numba kernels): not in the rates
    startup = time.time() - t_start
    prog = Progress(args.peer, len(todo))
    if len(todo) < len(items):
        print("%s: resuming: %d of %d utterances already in %s" % (args.peer, len(items) - len(todo), len(items), out.partial), file=sys.stderr)
    n = segs = fallbacks = 0
    secs, skipped, t0 = 0.0, [], time.time()
    batches = [todo[i:i + args.batch] for i in range(0, len(todo), args.batch)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        nxt = pool.submit(lambda b: [prepare(enc, it, vad) for it in b], batches[0]) if batches else None
        for bi, batch in enumerate(batches):
            loaded = nxt.result()
            if bi + 1 < len(batches):
                nxt = pool.submit(lambda b: [prepare(enc, it, vad) for it in b], batches[bi + 1])
            good, wavs = [], []
            for it, r in zip(batch, loaded):
                if isinstance(r, Exception):
                    print("peers: skipped %s: %s" % (it.name(), r), file=sys.stderr, flush=True)
                    if args.strict:
                        raise corpus.BadInput("peers: %s: %s" % (it.name(), r))
                    skipped.append({"source": it.name(), "defect": str(r)})
                    continue
                good.append(it)
                wavs.append(r[0])
                secs += r[1]
                fallbacks += r[2]
            if wavs:
                emb, counts = enc.embed(wavs)
                for it, e in zip(good, emb):
                    out.add(it.utt, it.speaker, e)
                segs += sum(counts)
                n += len(good)
            prog.show(n + len(skipped), segs)
    dt = time.time() - t0
    summary = {"peer": args.peer, "utterances": n, "skipped": len(skipped), "resumed": len(items) - len(todo),
               "segments": segs, "audio_seconds": round(secs, 3), "seconds": round(dt, 3),
               "files_per_s": round(n / dt, 3) if dt > 0 else None, "segments_per_s": round(segs / dt, 3) if dt > 0 else None,
               "audio_s_per_s": round(secs / dt, 3) if dt > 0 else None, "vad_fallbacks": fallbacks,
               "startup_seconds": round(startup, 3), "threads": torch.get_num_threads(), "cpu_flags": cpu_flags()}
    total = out.finish([it.utt for it in items], summary)
    if args.json:
        print(json.dumps(dict(summary, rows=total, dim=Enc.dim, out=args.out)))
    else:
        prog.show(n + len(skipped), segs, final=True)
        print("%s: embedded %d utterances (%d segments, %.1f s of audio) in %.1f s, %d skipped: %d rows of %d-d in %s"
              % (args.peer, n, segs, secs, dt, len(skipped), total, Enc.dim, args.out))
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except corpus.BadInput as e:
        print("peers: %s" % e, file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("peers: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
