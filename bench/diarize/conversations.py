"""Synthetic conversations for the diarization benchmark (docs/answers.md).

Builds conversations from a <speaker>/<utterance>.wav tree of real voices
the model was not trained on (the shipped model's held-out test speakers,
embed/defaultmodel/heldout/test.list), with reference RTTMs.

Distribution (seed fixed, so a rebuild gives the same files):
  * speakers per conversation: uniform in 2..6, drawn without replacement;
  * turns: 10 + 2 * speakers; the next speaker is uniform among the others;
  * a turn is 1-3 consecutive utterances (uniform) of its speaker, each
    trimmed of leading/trailing silence (librosa.effects.trim, top_db 40)
    and joined by 0.1 s pauses that stay inside the turn;
  * pause between turns: 0.2 s + exponential with mean 0.5 s, at most 2 s;
  * with --overlap P, a turn starts, with probability P, 0.2-0.8 s (uniform)
    before the previous turn ends instead (overlapped speech);
  * variants: clean (16 kHz PCM) and telephone (8 kHz, mu-law companded
    and expanded, 300-3400 Hz band-pass).

Usage: python conversations.py TREE SPEAKERS_LIST OUT [--n 20] [--overlap 0.2] [--seed 26]
Writes OUT/{clean,telephone}/<conv>.wav and OUT/ref.rttm (times are the
same in both variants).
"""
import argparse, os, sys

import librosa
import numpy as np
import scipy.signal
import soundfile as sf

RATE = 16000


def load(path):
    x, _ = librosa.load(path, sr=RATE, mono=True)
    y, _ = librosa.effects.trim(x, top_db=40)
    return y


def telephone(x):
    y = scipy.signal.resample_poly(x, 1, 2)
    sos = scipy.signal.butter(4, [300, 3400], btype="band", fs=8000, output="sos")
    y = scipy.signal.sosfilt(sos, y)
    mu = 255.0
    c = np.sign(y) * np.log1p(mu * np.abs(np.clip(y, -1, 1))) / np.log1p(mu)
    c = np.round(c * 127) / 127  # 8-bit code
    return (np.sign(c) * np.expm1(np.abs(c) * np.log1p(mu)) / mu).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree"); ap.add_argument("speakers"); ap.add_argument("out")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--overlap", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=26)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    spks = [l.strip() for l in open(a.speakers) if l.strip()]
    utts = {s: sorted(os.path.join(a.tree, s, f) for f in os.listdir(os.path.join(a.tree, s)) if f.lower().endswith(".wav")) for s in spks}
    for v in ("clean", "telephone"):
        os.makedirs(os.path.join(a.out, v), exist_ok=True)
    rttm = []
    for c in range(a.n):
        k = int(rng.integers(2, 7))
        who = list(rng.choice(spks, size=k, replace=False))
        name = f"conv{c:02d}"
        pieces, t, prev_end, cur = [], 0.0, 0.0, None
        for i in range(10 + 2 * k):
            cur = who[int(rng.integers(k))] if cur is None else rng.choice([s for s in who if s != cur])
            parts = [load(utts[cur][int(rng.integers(len(utts[cur])))]) for _ in range(int(rng.integers(1, 4)))]
            gap = np.zeros(int(0.1 * RATE), np.float32)
            seg = np.concatenate([p if j == 0 else np.concatenate([gap, p]) for j, p in enumerate(parts)])
            if i > 0 and rng.random() < a.overlap:
                start = max(0.0, prev_end - rng.uniform(0.2, 0.8))
            else:
                start = prev_end + (0.2 + min(1.8, rng.exponential(0.5)) if i > 0 else 0.5)
            pieces.append((start, seg))
            prev_end = start + len(seg) / RATE
            rttm.append(f"SPEAKER {name} 1 {start:.3f} {len(seg) / RATE:.3f} <NA> <NA> {cur} <NA> <NA>")
        x = np.zeros(int((prev_end + 0.5) * RATE) + 1, np.float32)
        for start, seg in pieces:
            s = int(round(start * RATE))
            x[s:s + len(seg)] += seg
        x /= max(1.0, np.abs(x).max() / 0.9)
        sf.write(os.path.join(a.out, "clean", name + ".wav"), x, RATE, subtype="PCM_16")
        sf.write(os.path.join(a.out, "telephone", name + ".wav"), telephone(x), 8000, subtype="PCM_16")
    with open(os.path.join(a.out, "ref.rttm"), "w") as f:
        f.write("\n".join(rttm) + "\n")
    print(f"{a.n} conversations in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
