"""Regenerates stats_reference.json, the stored references of baseline_test.go.

    .venv/bin/python tools/baseline/testdata/stats_reference.py

Input: the 128-band log-mel frames log10(1 + 10000 * librosa mel power)
(n_fft 1024, hop 160, Hann, Slaney; voxsiam's reference features) of a
fixed synthetic 0.2 s signal with a near-silent first 50 ms and a pause in
the middle. For each option set, the baseline embedding in numpy/scipy:

    [mean(X) | std(X) | mean(C) | std(C)],  C = scipy.fft.dct(X, type=2, norm='ortho')[:, :n_ceps]

with numpy's population std (ddof 0); cmn subtracts C's mean over frames;
vad keeps the frames whose mel energy 10 log10(sum((10^X - 1)/10000)) is
more than vad_db above the loudest frame's minus vad_db.
"""
import json
import os

import librosa
import numpy as np
import scipy.fft


def signal(sr=16000, seconds=0.2):
    rng = np.random.default_rng(11)
    t = np.arange(int(sr * seconds)) / sr
    phase = 2 * np.pi * np.cumsum(140 + 40 * np.sin(2 * np.pi * 5 * t)) / sr
    x = sum(np.sin(h * phase) / h for h in range(1, 20)) * 0.2 + 0.01 * rng.standard_normal(t.size)
    quiet = (t < 0.05) | ((t > 0.11) & (t < 0.14))
    x[quiet] = 3e-4 * rng.standard_normal(quiet.sum())
    return x.astype(np.float32)


def embedding(X, n_ceps, cmn, vad, vad_db):
    X = X.astype(np.float64)
    if vad:
        db = 10 * np.log10(np.maximum((np.expm1(np.maximum(X, 0) * np.log(10)) / 10000).sum(axis=1), 1e-10))
        margin = np.abs(db - (db.max() - vad_db)).min()
        assert margin > 1e-3, "a frame lies on the VAD threshold"
        X = X[db > db.max() - vad_db]
    C = scipy.fft.dct(X, type=2, norm="ortho", axis=1)[:, :n_ceps]
    if cmn:
        C = C - C.mean(axis=0)
    return np.concatenate([X.mean(axis=0), X.std(axis=0), C.mean(axis=0), C.std(axis=0)]), len(X)


S = librosa.feature.melspectrogram(y=signal(), sr=16000, n_fft=1024, hop_length=160, window="hann", center=True,
                                   pad_mode="reflect", power=2.0, n_mels=128, htk=False, norm="slaney")
X = np.log10(1 + 10000 * S.astype(np.float64)).T.astype(np.float32)  # [frames, 128]
cases = []
for name, n_ceps, cmn, vad, vad_db in [
    ("default", 20, False, False, 30),
    ("cmn", 20, True, False, 30),
    ("vad30", 20, False, True, 30),
    ("mfcc13_cmn_vad20", 13, True, True, 20),
]:
    emb, kept = embedding(X, n_ceps, cmn, vad, vad_db)
    cases.append({"name": name, "n_ceps": n_ceps, "cmn": cmn, "vad": vad, "vad_db": vad_db,
                  "kept": kept, "embedding": [float(v) for v in emb]})
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stats_reference.json")
with open(out, "w") as f:
    json.dump({"generator": "tools/baseline/testdata/stats_reference.py", "n_mels": 128, "frames": len(X),
               "logmel": [float(v) for v in X.ravel()], "cases": cases}, f)
    f.write("\n")
print("wrote", out, len(X), "frames;", {c["name"]: c["kept"] for c in cases})
