"""Utterances of a voxsiam feature store (tools/store), mapped back to audio.

manifest.tsv: header "utt_id speaker first_row num_rows source duration_s",
tab-separated, one row per utterance. The source column is what
dataset.Item.Source wrote:

  path                        a whole audio file (relative to the directory
                              `voxsiam features` ran in, or absolute)
  path:START-END              a Kaldi segment, seconds (Go's %g)
  cmd ... |                   a Kaldi wav.scp command (needs --kaldi-pipes)
  zhaw:STORE:FIRST..LAST(N)   a ZHAW utterance of `voxsiam split --zhaw`: the
                              N utterances FIRST..LAST of its speaker in STORE
                              (sorted by id, as dataset.ZHAW takes them),
                              whose audio is concatenated

features.json beside it says whether the frames were VAD-trimmed ("vad",
"vad_threshold_db", "n_fft", "hop", "sample_rate"): the peers trim the same way.
"""

import json
import os
import re

from corpus import BadInput, Item

HEADER = "utt_id\tspeaker\tfirst_row\tnum_rows\tsource\tduration_s"
NUM = r"[0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]+)?"
RE_SEGMENT = re.compile(r"^(.*):(%s)-(%s)$" % (NUM, NUM))
RE_ZHAW = re.compile(r"^zhaw:(.*):(.+)\.\.(.+)\((\d+)\)$")


def store_dir(path):
    """The store directory of a --in that names a store (frames.npy and manifest.tsv, as
    source.isStore) or its manifest.tsv, else None."""
    if os.path.isdir(path) and all(os.path.exists(os.path.join(path, f)) for f in ("frames.npy", "manifest.tsv")):
        return path
    if os.path.basename(path) == "manifest.tsv" and os.path.isfile(path):
        return os.path.dirname(path) or "."
    return None


def read_manifest(path):
    """Rows (line, utt, speaker, source) of a manifest.tsv, checked as store.parseManifest does."""
    rows, seen = [], set()
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.readline().rstrip("\r\n")
        if head != HEADER:
            raise BadInput("store: %s line 1: header %r, want %r" % (path, head, HEADER))
        for line, s in enumerate(fh, 2):
            f = s.rstrip("\r\n").split("\t")
            if len(f) != 6:
                raise BadInput("store: %s line %d: %d fields, want 6" % (path, line, len(f)))
            if not f[0] or not f[1]:
                raise BadInput("store: %s line %d: empty utt_id or speaker" % (path, line))
            if f[0] in seen:
                raise BadInput("store: %s line %d: duplicate utt_id %r" % (path, line, f[0]))
            seen.add(f[0])
            rows.append((line, f[0], f[1], f[4]))
    return rows


def read_features(store):
    """features.json of a store ({} when absent or empty)."""
    p = os.path.join(store, "features.json")
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return {}
    try:
        with open(p, encoding="utf-8") as fh:
            return json.load(fh) or {}
    except ValueError as e:
        raise BadInput("store: %s: %s" % (p, e)) from e


def _resolve(p, bases):
    if os.path.isabs(p) or p.endswith("|"):
        return p
    for b in bases:
        q = os.path.normpath(os.path.join(b, p))
        if os.path.exists(q):
            return q
    return p  # loading names the missing file


def source_item(utt, spk, src, bases):
    """The Item of one plain or segment source."""
    if src.endswith("|") or os.path.exists(_resolve(src, bases)):
        return Item(utt, spk, _resolve(src, bases), source=src)
    m = RE_SEGMENT.match(src)
    if m:
        a, b = float(m.group(2)), float(m.group(3))
        return Item(utt, spk, _resolve(m.group(1), bases), a, b, source=src)
    return Item(utt, spk, _resolve(src, bases), source=src)


def store_items(store, _cache=None):
    """The Items of a store's manifest, in manifest order; ZHAW rows get parts."""
    mpath = os.path.join(store, "manifest.tsv")
    parent = os.path.dirname(os.path.abspath(store))
    bases = ["", parent, os.path.dirname(parent)]
    cache = {} if _cache is None else _cache
    items = []
    for line, utt, spk, src in read_manifest(mpath):
        m = RE_ZHAW.match(src)
        if m:
            parts = zhaw_parts(mpath, line, spk, m, bases, cache)
            items.append(Item(utt, spk, parts=tuple(parts), source=src))
        else:
            items.append(source_item(utt, spk, src, bases))
    return items


def zhaw_parts(mpath, line, spk, m, bases, cache):
    """The Items of FIRST..LAST among spk's utterances of the ZHAW source store."""
    sdir = _resolve(m.group(1), bases)
    if store_dir(sdir) is None:
        raise BadInput("store: %s line %d: ZHAW source store %s not found (no manifest.tsv)" % (mpath, line, m.group(1)))
    key = os.path.abspath(sdir)
    if key not in cache:
        cache[key] = store_items(sdir, cache)
    ids = sorted((it.utt for it in cache[key] if it.speaker == spk), key=str.encode)
    first, last, n = m.group(2), m.group(3), int(m.group(4))
    if first not in ids or last not in ids:
        raise BadInput("store: %s line %d: ZHAW part %s..%s of speaker %s is not in %s" % (mpath, line, first, last, spk, sdir))
    a, b = ids.index(first), ids.index(last)
    if b - a + 1 != n:
        raise BadInput("store: %s line %d: ZHAW part %s..%s spans %d utterances of %s in %s, the source says %d"
                       % (mpath, line, first, last, b - a + 1, spk, sdir, n))
    byid = {it.utt: it for it in cache[key]}
    return [byid[u] for u in ids[a:b + 1]]

