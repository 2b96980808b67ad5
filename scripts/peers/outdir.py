"""The embeddings directory `voxsiam embed` writes (internal/vecio), written
in resumable chunks.

Final layout of OUT (what `voxsiam eval|cluster|score` and `train --teacher` read):
  embeddings.npy   [N, D] float32, C order, .npy v1
  utt.list         N utterance ids, one a line, in row order (the input's order)
  utt2spk          "utt spk" lines, when every utterance has a speaker
  spk2utt          "spk utt1 utt2 ..." lines, speakers sorted, utterances in row order
  peer.json        the peer model: name, package and version, weights, dim, front end

While running, rows go to OUT.partial/chunk-NNNNN.npy with chunk-NNNNN.tsv
("utt<TAB>speaker" lines; written after the .npy, so a chunk with its .tsv is
complete). A rerun with the same OUT skips the utterances in complete
chunks; finish() assembles OUT (each file written to a temporary name and
renamed) and removes OUT.partial.
"""

import glob
import json
import os
import shutil

import numpy as np

STALE = ("distributions.npy", "embeddings.ark", "embeddings.scp", "embeddings.txt")


KEY = ("peer", "version", "dim", "input", "speakers", "limit", "vad")  # settings a resumed run must share


def finished(out, meta):
    """Whether out holds a finished run (peer.json, utt.list, embeddings.npy) with meta's KEY settings."""
    p = os.path.join(out, "peer.json")
    if not all(os.path.exists(os.path.join(out, f)) for f in ("peer.json", "utt.list", "embeddings.npy")):
        return False
    with open(p, encoding="utf-8") as fh:
        old = json.load(fh)
    return all(old.get(k) == meta.get(k) for k in KEY)


def _atomic_text(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


class Output:
    def __init__(self, out, meta, restart=False, chunk=512):
        self.out, self.meta, self.chunk = out, meta, chunk
        self.partial = out.rstrip("/") + ".partial"
        if restart and os.path.isdir(self.partial):
            shutil.rmtree(self.partial)
        os.makedirs(self.partial, exist_ok=True)
        self._check_meta()
        self.rows = {}  # utt -> (chunk file, row)
        self.speakers = {}
        self.nchunks = 0
        for tsv in sorted(glob.glob(os.path.join(self.partial, "chunk-*.tsv"))):
            self._load_chunk(tsv)
        self.buf_ids, self.buf_spk, self.buf_emb = [], [], []

    def _check_meta(self):
        p = os.path.join(self.partial, "peer.json")
        key = {k: self.meta.get(k) for k in KEY}
        if os.path.exists(p):
            with open(p, encoding="utf-8") as fh:
                old = json.load(fh)
            if {k: old.get(k) for k in key} != key:
                raise SystemExit("peers: %s was started with other settings (%s, now %s): rerun with --restart"
                                 % (self.partial, {k: old.get(k) for k in key}, key))
        else:
            _atomic_text(p, json.dumps(self.meta, indent=2) + "\n")

    def _load_chunk(self, tsv):
        npy = tsv[:-4] + ".npy"
        with open(tsv, encoding="utf-8") as fh:
            lines = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip()]
        emb = np.load(npy, mmap_mode="r")
        if emb.shape != (len(lines), self.meta["dim"]):
            raise SystemExit("peers: %s holds %s rows, %s lists %d of %d-d: remove the chunk pair or rerun with --restart"
                             % (npy, emb.shape, tsv, len(lines), self.meta["dim"]))
        for r, (utt, spk) in enumerate(lines):
            self.rows[utt] = (npy, r)
            self.speakers[utt] = spk
        self.nchunks = max(self.nchunks, int(os.path.basename(tsv)[6:11]) + 1)

    def done(self, utt):
        return utt in self.rows

    def add(self, utt, spk, emb):
        self.buf_ids.append(utt)
        self.buf_spk.append(spk)
        self.buf_emb.append(np.asarray(emb, np.float32))
        if len(self.buf_ids) >= self.chunk:
            self.flush()

    def flush(self):
        if not self.buf_ids:
            return
        base = os.path.join(self.partial, "chunk-%05d" % self.nchunks)
        np.save(base + ".tmp.npy", np.stack(self.buf_emb))
        os.replace(base + ".tmp.npy", base + ".npy")
        _atomic_text(base + ".tsv", "".join("%s\t%s\n" % p for p in zip(self.buf_ids, self.buf_spk)))
        for r, (utt, spk) in enumerate(zip(self.buf_ids, self.buf_spk)):
            self.rows[utt] = (base + ".npy", r)
            self.speakers[utt] = spk
        self.nchunks += 1
        self.buf_ids, self.buf_spk, self.buf_emb = [], [], []

    def finish(self, order, summary):
        """Writes OUT with the done utterances of order (ids) in that order; returns their count."""
        self.flush()
        ids = [u for u in order if u in self.rows]
        if not ids:
            raise SystemExit("peers: no utterance could be embedded: nothing written to %s" % self.out)
        os.makedirs(self.out, exist_ok=True)
        for stale in STALE:  # files of an earlier `voxsiam embed` into OUT that would disagree with the new rows
            if os.path.exists(os.path.join(self.out, stale)):
                os.remove(os.path.join(self.out, stale))
        tmp = os.path.join(self.out, "embeddings.tmp.npy")
        dst = np.lib.format.open_memmap(tmp, mode="w+", dtype="<f4", shape=(len(ids), self.meta["dim"]))
        cache = {}
        for i, u in enumerate(ids):
            f, r = self.rows[u]
            if f not in cache:
                cache.clear()
                cache[f] = np.load(f, mmap_mode="r")
            dst[i] = cache[f][r]
        dst.flush()
        del dst
        os.replace(tmp, os.path.join(self.out, "embeddings.npy"))
        _atomic_text(os.path.join(self.out, "utt.list"), "".join(u + "\n" for u in ids))
        self._write_speakers(ids)
        meta = dict(self.meta, utterances=len(ids), summary=summary)
        _atomic_text(os.path.join(self.out, "peer.json"), json.dumps(meta, indent=2) + "\n")
        shutil.rmtree(self.partial)
        return len(ids)

    def _write_speakers(self, ids):
        spk = [self.speakers[u] for u in ids]
        u2s, s2u = os.path.join(self.out, "utt2spk"), os.path.join(self.out, "spk2utt")
        if not all(spk):
            for p in (u2s, s2u):  # a stale list of an earlier run would disagree with utt.list
                if os.path.exists(p):
                    os.remove(p)
            return
        _atomic_text(u2s, "".join("%s %s\n" % p for p in zip(ids, spk)))
        groups = {}
        for u, s in zip(ids, spk):
            groups.setdefault(s, []).append(u)
        _atomic_text(s2u, "".join("%s %s\n" % (s, " ".join(groups[s])) for s in sorted(groups, key=str.encode)))
