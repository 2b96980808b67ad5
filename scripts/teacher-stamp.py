#!/usr/bin/env python3
"""Stamp a teacher directory with the feature store it was computed from.

usage: scripts/teacher-stamp.py STORE TEACHER_DIR

Run it right after computing the teacher (scripts/peers/peers.py --in STORE,
voxsiam embed --in STORE, or any toolkit writing embeddings.npy + utt.list or
embeddings.scp/.ark keyed by the store's utterance ids). It writes, in
TEACHER_DIR:
  teacher.json     {"store": STORE, "store_manifest_sha256": sha256 of STORE/manifest.tsv}
  utt2num_frames   "utt rows" for each utterance of the store (Kaldi's format)
so that `voxsiam train --teacher TEACHER_DIR` refuses a store changed since
(docs/teacher.md). Only the standard library is used.
"""
import hashlib
import json
import os
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    store, teacher = argv[1], argv[2]
    manifest = os.path.join(store, "manifest.tsv")
    try:
        with open(manifest, "rb") as fh:
            data = fh.read()
    except OSError as e:
        sys.stderr.write("teacher-stamp: %s: %s\n" % (manifest, e))
        return 3
    if not os.path.isdir(teacher):
        sys.stderr.write("teacher-stamp: %s: not a directory\n" % teacher)
        return 3
    lines = data.decode("utf-8").splitlines()
    if not lines or not lines[0].startswith("utt_id\t"):
        sys.stderr.write("teacher-stamp: %s: no manifest header (utt_id ...)\n" % manifest)
        return 3
    rows = []
    for n, line in enumerate(lines[1:], 2):
        f = line.split("\t")
        if len(f) < 4 or not f[3].isdigit():
            sys.stderr.write("teacher-stamp: %s line %d: want utt_id, speaker, first_row, num_rows, ...\n" % (manifest, n))
            return 3
        rows.append("%s %s\n" % (f[0], f[3]))
    meta = {"store": os.path.abspath(store), "store_manifest_sha256": hashlib.sha256(data).hexdigest()}
    for name, text in (("utt2num_frames", "".join(rows)), ("teacher.json", json.dumps(meta, indent=2) + "\n")):
        tmp = os.path.join(teacher, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, os.path.join(teacher, name))
    print("teacher-stamp: %s: %d utterances, manifest sha256 %s" % (teacher, len(rows), meta["store_manifest_sha256"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
