"""Audio of one utterance as the peers take it: mono float32 in [-1, 1] at 16 kHz.

Decoding follows tools/dataset.Load: files by libsndfile (WAV PCM/float,
FLAC, NIST SPHERE; channels averaged), .m4a by ffmpeg, Kaldi wav.scp
commands ("... |") run with sh; then resampled (soxr, high quality; voxsiam
uses its own resampler, so samples differ slightly) and cut to the Kaldi
segment [start, end) with voxsiam's rounding (a recording is decoded once
for consecutive segments of it). With vad, leading and trailing
silence is trimmed as `voxsiam features --vad` does (feature.TrimSilence,
librosa.effects.trim with top_db, frame_length n_fft and hop).
"""

import io
import shutil
import subprocess

import numpy as np
import soundfile as sf
import soxr

RATE = 16000


class BadAudio(Exception):
    """An utterance that cannot be read; the message says why (the caller names the file)."""


def decode(path):
    """Mono float32 samples and the sample rate of a file or wav.scp command."""
    if path.endswith("|"):
        r = subprocess.run(["sh", "-c", path[:-1].strip()], capture_output=True)
        if r.returncode != 0:
            raise BadAudio("wav.scp command failed (exit %d): %s" % (r.returncode, r.stderr.decode(errors="replace").strip()))
        src = io.BytesIO(r.stdout)
    elif path.lower().endswith(".m4a"):
        return _ffmpeg(path)
    else:
        src = path
    try:
        x, sr = sf.read(src, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as e:
        raise BadAudio(str(e)) from e
    if x.shape[0] == 0:
        raise BadAudio("no audio samples")
    return x.mean(axis=1, dtype=np.float32), sr


def _ffmpeg(path):
    if shutil.which("ffmpeg") is None:
        raise BadAudio("decoding .m4a needs ffmpeg, which is not installed (Debian package ffmpeg)")
    r = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-acodec", "pcm_s16le",
                        "-ac", "1", "-ar", str(RATE), "-"], capture_output=True)
    if r.returncode != 0:
        raise BadAudio("ffmpeg cannot decode it: %s" % r.stderr.decode(errors="replace").strip())
    x = np.frombuffer(r.stdout, dtype="<i2").astype(np.float32) / 32768
    if len(x) == 0:
        raise BadAudio("no audio samples")
    return x, RATE


def trim_silence(x, frame_len, hop, top_db):
    """feature.TrimSilence / librosa.effects.trim(x, top_db, frame_length, hop_length):
    the span from the first to the last frame whose mean square is within top_db
    of the loudest frame's (frame t centred at t*hop, zero-padded)."""
    c = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    t = np.arange(1 + len(x) // hop)
    a = np.clip(t * hop - frame_len // 2, 0, len(x))
    b = np.clip(t * hop - frame_len // 2 + frame_len, 0, len(x))
    ms = (c[b] - c[a]) / frame_len
    db = 10 * np.log10(np.maximum(ms, 1e-10))
    keep = np.nonzero(db > 10 * np.log10(max(ms.max(), 1e-10)) - top_db)[0]
    if len(keep) == 0:
        return x[:0]
    return x[keep[0] * hop: min(len(x), (keep[-1] + 1) * hop)]


_last = (None, None)  # (path, audio): segments of one recording come in a row (ids sort by recording)


def _recording(path, cache):
    """The whole 16 kHz audio of a file; with cache, decoded once for a run of
    its Kaldi segments (the windows of `voxsiam diarize --export-windows`),
    the caller cutting a copy. Commands ("... |") are run every time."""
    global _last
    if cache and _last[0] == path and not path.endswith("|"):
        return _last[1]
    x, sr = decode(path)
    if sr != RATE:
        x = soxr.resample(x, sr, RATE, quality="HQ").astype(np.float32)
    if cache:
        _last = (path, x)
    return x


def load_item(it, vad=None):
    """The 16 kHz audio of a corpus.Item (ZHAW parts concatenated, each trimmed
    on its own as the store's frames were). vad: None or (n_fft, hop, top_db)."""
    if it.parts:
        return np.concatenate([load_item(p, vad) for p in it.parts])
    x = _recording(it.path, cache=bool(it.start or it.end))
    if it.start or it.end:
        a = int(it.start * RATE + 0.5)
        b = len(x) if it.end <= 0 else min(len(x), int(it.end * RATE + 0.5))
        if a >= b:
            raise BadAudio("segment [%g, %g) s is outside the %.3f s of audio" % (it.start, it.end, len(x) / RATE))
        x = x[a:b].copy()
    if vad is not None:
        x = trim_silence(x, *vad)
    if len(x) == 0 or not np.any(x):
        raise BadAudio("silent (no non-zero samples%s)" % (" after VAD trimming" if vad else ""))
    if not np.all(np.isfinite(x)):
        raise BadAudio("non-finite samples")
    return x
