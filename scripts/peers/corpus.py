"""Utterance listing with the ids `voxsiam embed` / `voxsiam features` give.

A port of tools/dataset's Scan (tree.go, walk.go, kaldi.go, dataset.go) and
of the feature-store manifest (tools/store/manifest.go), so a peer's output
rows carry exactly the utterance ids of voxsiam's own embeddings of the same
input. test_peers.py checks the ids against `voxsiam features` when a built
bin/voxsiam is there.

Layouts (Go: dataset.Scan):
  voxceleb     id10270/x6uYqmx31kE/00001.wav      id "id10270/x6uYqmx31kE/00001"
  timit        TRAIN/DR1/FCJF0/SA1.WAV            id "FCJF0_SA1"
  librispeech  19/198/19-198-0001.flac            id "19-198-0001"
  plain        <speaker>/**/<utt>.wav|flac        id "<speaker>/.../<utt>"
  kaldi        wav.scp, utt2spk, optional segments
"""

import os
import re
from dataclasses import dataclass

LAYOUTS = ("voxceleb", "timit", "librispeech", "plain", "kaldi")
AUDIO_EXT = (".wav", ".flac", ".m4a")

RE_TIMIT_SET = re.compile(r"^(train|test)$", re.I)
RE_TIMIT_DR = re.compile(r"^dr\d+$", re.I)
RE_LIBRI = re.compile(r"^(\d+)-(\d+)-\d+\.flac$")
RE_VOX_ID = re.compile(r"^id\d+$")
RE_ARK = re.compile(r"\.ark:\d+$")


class BadInput(Exception):
    """A malformed tree, list or manifest; the message names the file."""


@dataclass
class Item:
    """One utterance: Go's dataset.Item (Start/End in seconds, End 0 = to the end)."""
    utt: str
    speaker: str
    path: str = ""
    start: float = 0.0
    end: float = 0.0
    parts: tuple = ()  # for a ZHAW store row: the Items whose audio is concatenated
    source: str = ""   # the name reported in problems (manifest source column)

    def name(self):
        if self.source:
            return self.source
        if self.start == 0 and self.end == 0:
            return self.path
        return "%s:%g-%g" % (self.path, self.start, self.end)


def go_ext(name):
    """filepath.Ext: from the last dot of the name, '' without one."""
    i = name.rfind(".")
    return name[i:] if i >= 0 else ""


def walk_audio(root):
    """Yields (path, parts) of every audio file below root in lexical order,
    following symbolic links to directories except loops (Go: walkAudio)."""
    yield from _walk(root, (), [os.stat(root)])


def _walk(d, parts, chain):
    try:
        names = sorted(os.listdir(d))
    except OSError as e:
        raise BadInput("dataset: %s" % e) from e
    for n in names:
        p = os.path.join(d, n)
        sub = parts + (n,)
        if os.path.isdir(p):  # follows links
            st = os.stat(p)
            if os.path.islink(p) and any(os.path.samestat(st, c) for c in chain):
                continue  # a loop
            yield from _walk(p, sub, chain + [st])
        elif go_ext(p).lower() in AUDIO_EXT:
            yield p, sub


def detect(root):
    """Go's Detect: kaldi with wav.scp, else from the first audio file's path."""
    if os.path.exists(os.path.join(root, "wav.scp")):
        return "kaldi"
    for _, p in walk_audio(root):
        if len(p) >= 2:
            if len(p) == 4 and RE_TIMIT_SET.match(p[0]) and RE_TIMIT_DR.match(p[1]):
                return "timit"
            if len(p) == 3 and RE_LIBRI.match(p[2]) and p[2].startswith(p[0] + "-" + p[1] + "-"):
                return "librispeech"
            if len(p) == 3 and RE_VOX_ID.match(p[0]):
                return "voxceleb"
            return "plain"
    raise BadInput("dataset: %s: no audio files (.wav, .flac, .m4a) in speaker directories" % root)


def tree_item(layout, parts):
    """Go's treeItem: the Item of a file at parts below the root, or None."""
    n, name = len(parts), parts[-1]
    stem = name[: len(name) - len(go_ext(name))]
    if layout == "voxceleb":
        if n != 3 or not RE_VOX_ID.match(parts[0]):
            return None
        return Item(parts[0] + "/" + parts[1] + "/" + stem, parts[0])
    if layout == "timit":
        if (n != 4 or not RE_TIMIT_SET.match(parts[0]) or not RE_TIMIT_DR.match(parts[1])
                or go_ext(name).lower() != ".wav" or "." in stem):
            return None
        spk = parts[2].upper()
        return Item(spk + "_" + stem.upper(), spk)
    if layout == "librispeech":
        m = RE_LIBRI.match(name)
        if n != 3 or not m or m.group(1) != parts[0] or m.group(2) != parts[1]:
            return None
        return Item(stem, parts[0])
    if layout == "plain":
        if n < 2:
            return None
        return Item("/".join(list(parts[:-1]) + [stem]), parts[0])
    raise BadInput("dataset: unknown layout %r (known: auto %s)" % (layout, " ".join(LAYOUTS)))


LAYOUT_EXAMPLE = {
    "plain": "<speaker>/<utterance>.wav, subdirectories allowed",
    "voxceleb": "id<digits>/<video>/<utterance>.wav",
    "timit": "TRAIN|TEST/DR<n>/<speaker>/<utterance>.WAV",
    "librispeech": "<speaker>/<chapter>/<speaker>-<chapter>-<n>.flac",
}


def loose_files(root, layout, names):
    """Go's looseFiles: audio files directly in a corpus root are an error."""
    shown = names[:5] + (["and %d more" % (len(names) - 5)] if len(names) > 5 else [])
    return BadInput("dataset: %s: audio files directly in it, beside the speaker directories of a %s corpus (%s): "
                    "a corpus keeps every file in its speaker's directory (%s); move them into one, or give them apart "
                    "(as files, or a folder of only files for commands that need no speaker labels)"
                    % (root, layout, ", ".join(shown), LAYOUT_EXAMPLE[layout]))


def scan(root, layout="auto", allow_pipes=False):
    """Go's dataset.Scan: the utterances under root, sorted by id."""
    if not os.path.isdir(root):
        raise BadInput("dataset: %s is not a directory" % root)
    if layout in ("", "auto"):
        layout = detect(root)
    if layout == "kaldi":
        items = scan_kaldi(root, allow_pipes)
    else:
        items, loose = [], []
        for p, parts in walk_audio(root):
            if len(parts) == 1:
                loose.append(parts[0])
                continue
            it = tree_item(layout, parts)
            if it is not None:
                it.path = p
                items.append(it)
        if loose:
            raise loose_files(root, layout, loose)
    if not items:
        raise BadInput("dataset: %s: no audio files in the %s layout" % (root, layout))
    items.sort(key=lambda it: it.utt.encode())
    for i, it in enumerate(items):
        if not it.utt or not it.speaker or any(c in it.utt + it.speaker for c in "\t\n\r"):
            raise BadInput("dataset: %s: utterance %r (speaker %r) has an empty id or one with a tab or newline"
                           % (it.path, it.utt, it.speaker))
        if i and it.utt == items[i - 1].utt:
            raise BadInput("dataset: %s: utterance id %r twice (%s and %s)" % (root, it.utt, it.path, items[i - 1].path))
    return items


def read_table(path, n, rest=False):
    """Go's readTable: rows of exactly n whitespace-separated fields, unique keys."""
    try:
        fh = open(path, encoding="utf-8")
    except OSError as e:
        raise BadInput("dataset: Kaldi data directory: %s" % e) from e
    rows, seen = [], {}
    with fh:
        for line, s in enumerate(fh, 1):
            s = s.strip()
            if not s:
                continue
            f = s.split()
            if rest and len(f) > n:
                f = [f[0], s[len(f[0]):].strip()]
            if len(f) != n:
                raise BadInput("dataset: %s line %d: %d fields, want %d" % (path, line, len(f), n))
            if f[0] in seen:
                raise BadInput("dataset: %s line %d: %r already on line %d" % (path, line, f[0], seen[f[0]]))
            seen[f[0]] = line
            rows.append((line, f))
    return rows


def kaldi_path(root, wavscp, line, rec, v, allow_pipes):
    """Go's kaldiPath: a pipe (allowed), an absolute path, or one found relative
    to the working directory, the data directory, its parent or grandparent."""
    if v.endswith("|"):
        if not allow_pipes:
            raise BadInput("dataset: %s line %d: recording %s is a command (%r); allow running it with sh with "
                           "--kaldi-pipes, or convert wav.scp to plain paths" % (wavscp, line, rec, v))
        return v
    if RE_ARK.search(v) or v.startswith("-"):
        raise BadInput("dataset: %s line %d: unsupported wav.scp entry %r (ark offsets and stdin are not supported)"
                       % (wavscp, line, v))
    if os.path.isabs(v):
        return v
    bases = ["", root, os.path.join(root, ".."), os.path.join(root, "..", "..")]
    real = os.path.realpath(root)
    if real != os.path.normpath(root):
        bases += [os.path.join(real, ".."), os.path.join(real, "..", "..")]
    for b in bases:
        p = os.path.normpath(os.path.join(b, v))
        if os.path.exists(p):
            return p
    return v


def scan_kaldi(root, allow_pipes):
    wavscp = os.path.join(root, "wav.scp")
    wav = read_table(wavscp, 2, rest=True)
    u2s = {f[0]: f[1] for _, f in read_table(os.path.join(root, "utt2spk"), 2)}
    recs = {f[0]: kaldi_path(root, wavscp, line, f[0], f[1], allow_pipes) for line, f in wav}
    seg = os.path.join(root, "segments")
    if not os.path.exists(seg):
        items = [Item(f[0], "", recs[f[0]]) for _, f in wav]
    else:
        items = []
        for line, f in read_table(seg, 4):
            if f[1] not in recs:
                raise BadInput("dataset: %s line %d: recording %r is not in wav.scp" % (seg, line, f[1]))
            try:
                a, b = float(f[2]), float(f[3])
            except ValueError:
                a, b = -1.0, 0.0
            if a < 0 or (b > 0 and b <= a):
                raise BadInput("dataset: %s line %d: bad start/end %r %r" % (seg, line, f[2], f[3]))
            items.append(Item(f[0], "", recs[f[1]], a, max(b, 0.0)))
    for it in items:
        if it.utt not in u2s:
            raise BadInput("dataset: %s: utterance %r has no speaker in utt2spk" % (root, it.utt))
        it.speaker = u2s[it.utt]
    return items


def read_speakers(path):
    """A speaker list (vecio.ReadList): one id a line, '#' lines skipped."""
    out = set()
    with open(path, encoding="utf-8") as fh:
        for line, s in enumerate(fh, 1):
            f = s.split()
            if not f or f[0].startswith("#"):
                continue
            if len(f) != 1:
                raise BadInput("%s line %d: want one speaker id, got %d fields" % (path, line, len(f)))
            out.add(f[0])
    return out
