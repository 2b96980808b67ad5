"""Reads a voxsiam feature store and builds the reference mini-batches.

Store contract (tools/store/doc.go): frames.npy [total_frames, n_mels] float32
or float16 (opened with mmap_mode='r'), manifest.tsv with the header
``utt_id speaker first_row num_rows source duration_s`` (tab separated),
speakers.tsv with the header ``speaker group``.

Batches follow stdm/ZHAW_deep_voice (networks/pairwise_lstm/core/data_gen.py,
batch_generator_lstm): every element of a mini-batch is a random 40-frame crop
of a random utterance; here the utterance is drawn by first drawing a random
training speaker (uniform over speakers), then one of its utterances
(``--sampling utterance`` draws uniformly over utterances as the ZHAW
generator does).
"""

import csv
import os
from dataclasses import dataclass

import numpy as np

SEGMENT = 40  # frames per segment: 400 ms at a 10 ms hop


@dataclass
class Utterance:
    """One manifest row: rows [first, first+rows) of frames.npy."""

    utt_id: str
    speaker: str
    first: int
    rows: int
    source: str
    duration: float  # seconds of audio


class Store:
    """A feature store opened read-only; frames are memory-mapped."""

    def __init__(self, path):
        self.path = path
        frames_path = os.path.join(path, "frames.npy")
        manifest_path = os.path.join(path, "manifest.tsv")
        for p in (frames_path, manifest_path):
            if not os.path.exists(p):
                raise SystemExit(f"store: {path}: missing {os.path.basename(p)} (not a feature store)")
        self.frames = np.load(frames_path, mmap_mode="r")
        if self.frames.ndim != 2:
            raise SystemExit(f"store: {frames_path}: want 2-D frames, have shape {self.frames.shape}")
        self.utterances = read_manifest(manifest_path, len(self.frames))
        self.groups = read_groups(os.path.join(path, "speakers.tsv"))

    @property
    def n_mels(self):
        return int(self.frames.shape[1])

    def by_speaker(self, speakers=None):
        """Maps speaker -> list of Utterance, restricted to `speakers` if given."""
        keep = None if speakers is None else set(speakers)
        out = {}
        for u in self.utterances:
            if keep is None or u.speaker in keep:
                out.setdefault(u.speaker, []).append(u)
        return out

    def utt_frames(self, u):
        """All frames of u: [rows, n_mels] float32."""
        return np.asarray(self.frames[u.first:u.first + u.rows], dtype=np.float32)


def read_manifest(path, total_rows):
    """Parses manifest.tsv; checks every row range lies inside frames.npy."""
    out = []
    with open(path, newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows, None)
        want = ["utt_id", "speaker", "first_row", "num_rows", "source", "duration_s"]
        if header is None or header[:6] != want:
            raise SystemExit(f"store: {path}: header {header}, want {want}")
        for n, r in enumerate(rows, start=2):
            if not r:
                continue
            if len(r) < 6:
                raise SystemExit(f"store: {path} line {n}: {len(r)} fields, want 6")
            u = Utterance(r[0], r[1], int(r[2]), int(r[3]), r[4], float(r[5]))
            if u.first < 0 or u.rows < 0 or u.first + u.rows > total_rows:
                raise SystemExit(f"store: {path} line {n}: rows [{u.first},{u.first + u.rows}) outside frames.npy ({total_rows} rows)")
            out.append(u)
    return out


def read_groups(path):
    """speakers.tsv -> {speaker: group}; empty when the file is absent."""
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return {r[0]: (r[1] if len(r) > 1 else r[0]) for r in rows[1:] if r}


def read_list(path):
    """A speaker (or utterance) list: one id per line, blank lines skipped."""
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


class BatchSampler:
    """Draws reference mini-batches of random 40-frame crops.

    Utterances shorter than `segment` frames are never drawn (the ZHAW
    extractor drops them too).
    """

    def __init__(self, store, speakers, seed=0, segment=SEGMENT, sampling="speaker"):
        self.store = store
        self.segment = segment
        self.rng = np.random.default_rng(seed)
        per_spk = store.by_speaker(speakers)
        self.speakers = sorted(s for s in per_spk if any(u.rows >= segment for u in per_spk[s]))
        if not self.speakers:
            raise SystemExit(f"store: {store.path}: no listed speaker has an utterance of >= {segment} frames")
        self.label = {s: i for i, s in enumerate(self.speakers)}
        self.utts = {s: [u for u in per_spk[s] if u.rows >= segment] for s in self.speakers}
        self.flat = [u for s in self.speakers for u in self.utts[s]]
        self.sampling = sampling

    def _draw_utt(self):
        if self.sampling == "utterance":
            return self.flat[self.rng.integers(len(self.flat))]
        spk = self.speakers[self.rng.integers(len(self.speakers))]
        us = self.utts[spk]
        return us[self.rng.integers(len(us))]

    def crop(self, u):
        """A random crop of u: [segment, n_mels] float32."""
        start = u.first + int(self.rng.integers(u.rows - self.segment + 1))
        return np.asarray(self.store.frames[start:start + self.segment], dtype=np.float32)

    def batch(self, size):
        """x: [size, segment, n_mels] float32; y: [size] int32 speaker labels."""
        x = np.empty((size, self.segment, self.store.n_mels), dtype=np.float32)
        y = np.empty(size, dtype=np.int32)
        for j in range(size):
            u = self._draw_utt()
            x[j] = self.crop(u)
            y[j] = self.label[u.speaker]
        return x, y

    def pairs(self, n_pairs):
        """Balanced explicit pairs: a, b [n, segment, n_mels]; same [n] float32 (1 = same speaker)."""
        a = np.empty((n_pairs, self.segment, self.store.n_mels), dtype=np.float32)
        b = np.empty_like(a)
        same = np.zeros(n_pairs, dtype=np.float32)
        for j in range(n_pairs):
            s1 = self.speakers[self.rng.integers(len(self.speakers))]
            s2 = s1
            if j % 2 == 1 and len(self.speakers) > 1:
                while s2 == s1:
                    s2 = self.speakers[self.rng.integers(len(self.speakers))]
            u1 = self.utts[s1][self.rng.integers(len(self.utts[s1]))]
            u2 = self.utts[s2][self.rng.integers(len(self.utts[s2]))]
            a[j], b[j], same[j] = self.crop(u1), self.crop(u2), float(s1 == s2)
        return a, b, same


CUTS = ("floor", "overlap-last")


def segments(frames, segment=SEGMENT, cut="floor"):
    """Segments of one utterance for inference: [n, segment, n_mels] float32.

    cut "floor" (ZHAW_deep_voice's generate_test_data): the whole
    non-overlapping segments; a trailing remainder is dropped; an utterance
    shorter than one segment is zero-padded (0 is silence in
    log10(1+10000*x)).
    cut "overlap-last" (voxsiam embed's default): the whole non-overlapping
    segments plus, when frames remain, one segment of the last `segment`
    frames; an utterance shorter than one segment is repeated cyclically.
    """
    frames = np.asarray(frames, dtype=np.float32)
    n_rows, n_mels = frames.shape
    n = n_rows // segment
    if n == 0:
        if cut == "overlap-last" and n_rows > 0:
            return frames[np.arange(segment) % n_rows][None]
        pad = np.zeros((segment, n_mels), dtype=np.float32)
        pad[:n_rows] = frames
        return pad[None]
    whole = frames[:n * segment].reshape(n, segment, n_mels)
    if cut == "overlap-last" and n_rows % segment:
        whole = np.concatenate([whole, frames[None, n_rows - segment:]])
    return np.ascontiguousarray(whole)


def write_embeddings_dir(out, utt_ids, speakers, emb, dist=None):
    """Writes the embeddings-directory contract: embeddings.npy [N, D] float32,
    utt.list, utt2spk (Kaldi "utt spk" lines) and optional distributions.npy."""
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "embeddings.npy"), np.asarray(emb, dtype=np.float32))
    if dist is not None:
        np.save(os.path.join(out, "distributions.npy"), np.asarray(dist, dtype=np.float32))
    with open(os.path.join(out, "utt.list"), "w") as f:
        f.writelines(u + "\n" for u in utt_ids)
    if speakers is not None:
        with open(os.path.join(out, "utt2spk"), "w") as f:
            f.writelines(f"{u} {s}\n" for u, s in zip(utt_ids, speakers))
