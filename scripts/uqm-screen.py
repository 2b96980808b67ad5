#!/usr/bin/env python3
"""Listen-free screen of the Star Control II (uqm-voice) comm folders for voice effects.

Usage: uqm-screen.py VOICE.uqm [files-per-folder]

For every 3dovoice/<folder>/ it decodes up to N recordings (evenly spaced) and reports:
  voiced   fraction of frames librosa.pyin calls voiced (ring modulation, vocoders and
           heavy chorus break the periodicity pyin looks for: low values)
  f0_med   median F0 of voiced frames in Hz (pitch shifting: far outside 70-300 Hz)
  vprob    mean voiced probability of voiced frames
  flat     mean spectral flatness (noise-like processing: high)
Output: TSV on stdout, one row per folder. The numbers are evidence for a decision that
tools/realvoice/uqm_folders.tsv records; the script decides nothing itself.
"""
import io
import sys
import zipfile

import librosa
import numpy as np


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    z = zipfile.ZipFile(path)
    folders = {}
    for name in sorted(z.namelist()):
        p = name.split("/")
        if len(p) == 3 and p[0] == "3dovoice" and p[2].endswith(".ogg"):
            folders.setdefault(p[1], []).append(name)
    print("folder\tfiles\tvoiced\tf0_med\tvprob\tflat")
    for f, names in sorted(folders.items()):
        pick = [names[int(i)] for i in np.linspace(0, len(names) - 1, min(n, len(names)))]
        vo, f0s, vp, fl = [], [], [], []
        for name in pick:
            y, sr = librosa.load(io.BytesIO(z.read(name)), sr=16000)
            if len(y) < 2048:
                continue
            f0, voiced, prob = librosa.pyin(y, fmin=50, fmax=600, sr=sr)
            vo.append(np.mean(voiced))
            if voiced.any():
                f0s.extend(f0[voiced])
                vp.append(np.mean(prob[voiced]))
            fl.append(np.mean(librosa.feature.spectral_flatness(y=y)))
        print(f"{f}\t{len(names)}\t{np.mean(vo):.3f}\t{np.median(f0s):.0f}\t{np.mean(vp):.3f}\t{np.mean(fl):.4f}", flush=True)


if __name__ == "__main__":
    main()
