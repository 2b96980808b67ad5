"""Regenerates mfcc_reference.json, the stored references of mfcc_test.go.

    .venv/bin/python tools/feature/testdata/mfcc_reference.py

For each case: log-mel frames [frames, n_mels] (float32) of a fixed
synthetic signal, their MFCCs by librosa.feature.mfcc(S=frames.T,
n_mfcc, dct_type=2, norm='ortho') (checked here against scipy.fft.dct), the
MFCCs after per-utterance mean subtraction (CMN), and the frame mel
energies in dB that feature.FrameEnergiesDB computes (inverting the
frames' compression). librosa 0.11, scipy, numpy of the project's venv.
"""
import json
import os

import librosa
import numpy as np
import scipy.fft


def signal(sr, seconds):
    rng = np.random.default_rng(7)
    t = np.arange(int(sr * seconds)) / sr
    f0 = 120 + 60 * t / seconds
    phase = 2 * np.pi * np.cumsum(f0) / sr
    x = sum(np.sin(h * phase) / h * np.exp(-((h * f0 - 800) / 700) ** 2) for h in range(1, 25))
    x = 0.3 * x * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) + 0.01 * rng.standard_normal(t.size)
    x[t < 0.05] = 1e-4 * rng.standard_normal((t < 0.05).sum())  # near-silent start
    return x.astype(np.float32)


def case(name, kind, n_mels, n_mfcc, frames):
    y = signal(16000, 0.12)
    S = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=1024, hop_length=160, window="hann",
                                       center=True, pad_mode="reflect", power=2.0, n_mels=n_mels,
                                       htk=False, norm="slaney").astype(np.float64)
    if kind == "logmel":
        X = np.log10(1 + 10000 * S)
        power = np.expm1(np.maximum(X.astype(np.float32).astype(np.float64), 0) * np.log(10)) / 10000
    else:  # Kaldi fbank compression: ln(max(P, FLT_EPSILON))
        X = np.log(np.maximum(S, np.finfo(np.float32).eps))
        power = np.exp(X.astype(np.float32).astype(np.float64))
    X = X.astype(np.float32)[:, :frames]  # [n_mels, frames], librosa layout
    power = power[:, :frames]
    mfcc = librosa.feature.mfcc(S=X.astype(np.float64), n_mfcc=n_mfcc, dct_type=2, norm="ortho")
    ref = scipy.fft.dct(X.astype(np.float64), type=2, norm="ortho", axis=0)[:n_mfcc]
    assert np.allclose(mfcc, ref, atol=1e-12), "librosa and scipy disagree"
    energy_db = 10 * np.log10(np.maximum(power.sum(axis=0), 1e-10))
    return {
        "name": name, "kind": kind, "n_mels": n_mels, "n_mfcc": n_mfcc, "frames": frames,
        "logmel": [float(v) for v in X.T.ravel()],
        "mfcc": [float(v) for v in mfcc.T.ravel()],
        "mfcc_cmn": [float(v) for v in (mfcc - mfcc.mean(axis=1, keepdims=True)).T.ravel()],
        "energy_db": [float(v) for v in energy_db],
    }


cases = [
    case("logmel128_mfcc20", "logmel", 128, 20, 9),
    case("fbank40_mfcc13", "fbank", 40, 13, 9),
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mfcc_reference.json")
with open(out, "w") as f:
    json.dump({"generator": "tools/feature/testdata/mfcc_reference.py", "librosa": librosa.__version__,
               "cases": cases}, f)
    f.write("\n")
print("wrote", out)
