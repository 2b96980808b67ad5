"""Protocol v2 helpers (scripts/realsplit.sh, scripts/realeval-v2.sh).

cap.py list CAP SPEAKERS MANIFEST...   print the utterances kept for the speakers
    of the list SPEAKERS: per speaker the CAP first by
    sha256("voxsiam-protocol-v2 <utterance>"), sorted. A MANIFEST is a
    tab-separated file with a header naming utt_id and speaker columns (a
    feature store's manifest.tsv or a corpus's utterances.tsv, whose ids are
    prefixed "<speaker>/" as in the stores).
cap.py subset UTTS IN OUT   write the embeddings directory OUT with the rows of
    IN (embeddings.npy, utt.list, utt2spk) whose utterance is in UTTS; every
    listed utterance must be in IN.
"""
import hashlib
import os
import sys


def read_manifest(path):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        iu, isp = head.index("utt_id"), head.index("speaker")
        for line in f:
            c = line.rstrip("\n").split("\t")
            utt, spk = c[iu], c[isp]
            if not utt.startswith(spk + "/"):
                utt = spk + "/" + utt
            yield utt, spk


def cap(cap_n, speakers, manifests):
    want = set(open(speakers).read().split())
    by = {}
    for m in manifests:
        for utt, spk in read_manifest(m):
            if spk in want:
                by.setdefault(spk, []).append(utt)
    missing = want - set(by)
    if missing:
        sys.exit(f"cap.py: {speakers}: speakers without utterances in {manifests}: {sorted(missing)}")
    key = lambda u: hashlib.sha256(("voxsiam-protocol-v2 " + u).encode()).hexdigest()
    out = []
    for spk in sorted(by):
        out += sorted(by[spk], key=key)[:cap_n]
    print("\n".join(sorted(out)))


def subset(utts, src, dst):
    import numpy as np
    keep = open(utts).read().split()
    ids = open(os.path.join(src, "utt.list")).read().split()
    row = {u: i for i, u in enumerate(ids)}
    missing = [u for u in keep if u not in row]
    if missing:
        sys.exit(f"cap.py: {src}: {len(missing)} utterances of {utts} missing, e.g. {missing[:3]}")
    emb = np.load(os.path.join(src, "embeddings.npy"))
    u2s = dict(l.split() for l in open(os.path.join(src, "utt2spk")) if l.strip())
    os.makedirs(dst, exist_ok=True)
    idx = [row[u] for u in keep]
    np.save(os.path.join(dst, "embeddings.npy"), emb[idx])
    with open(os.path.join(dst, "utt.list"), "w") as f:
        f.write("".join(u + "\n" for u in keep))
    with open(os.path.join(dst, "utt2spk"), "w") as f:
        f.write("".join(f"{u} {u2s[u]}\n" for u in keep))
    spk2utt = {}
    for u in keep:
        spk2utt.setdefault(u2s[u], []).append(u)
    with open(os.path.join(dst, "spk2utt"), "w") as f:
        f.write("".join(f"{s} {' '.join(us)}\n" for s, us in sorted(spk2utt.items())))


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "list":
        cap(int(sys.argv[2]), sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 5 and sys.argv[1] == "subset":
        subset(*sys.argv[2:])
    else:
        sys.exit(__doc__)
