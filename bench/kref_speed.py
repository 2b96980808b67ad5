"""predict-bench and features-bench modes of keras_reference.py.

predict-bench: the utterances are cut into non-overlapping 40-frame segments
(kref_store.segments), run through a SavedModel's serving_default signature
in batches of --batch segments and mean-pooled per utterance, the way a Keras
user would run `Model.predict` on an exported model (--api keras wraps the
signature in keras.layers.TFSMLayer). The frames come from a feature store
(--store: TF compute only) or from audio (--audio-dir: librosa.load at
16 kHz + the reference log-mel, reference_logmel, per file: end to end).
Timed: features (audio mode) + segmenting + inference + pooling for all
utterances, after one warm-up batch; model loading is excluded.
audio-seconds/s = audio seconds (manifest duration_s, or decoded samples /
16000) / elapsed.

features-bench: librosa as in ZHAW_deep_voice's spectrogram_converter:
librosa.load(sr=None), melspectrogram(n_fft 1024, hop 160, 128 mels, power 2),
then log10(1 + 10000*x) (vectorised here; the original loops in Python per
element, which would be far slower). Timed: decoding + features per file.
"""

import os
import time

import numpy as np

# TensorFlow and Keras are imported by the functions that run a model, so
# that features-bench (librosa only) starts as a librosa user's script does.
from kref_store import Store, read_list, segments, write_embeddings_dir

AUDIO_EXT = (".wav", ".flac", ".sph", ".WAV", ".FLAC", ".SPH")


def _signature(args):
    import tensorflow as tf
    loaded = tf.saved_model.load(args.saved_model)
    if args.signature not in loaded.signatures:
        raise SystemExit(f"predict-bench: {args.saved_model}: no signature {args.signature!r} (have {list(loaded.signatures)})")
    sig = loaded.signatures[args.signature]
    inputs = sig.structured_input_signature[1]
    name = args.input or ("spectrogram" if "spectrogram" in inputs else None)
    if name is None:
        if len(inputs) != 1:
            raise SystemExit(f"predict-bench: {args.saved_model}: inputs {sorted(inputs)}; name one with --input")
        name = next(iter(inputs))
    outputs = sig.structured_outputs
    if args.output not in outputs:
        raise SystemExit(f"predict-bench: {args.saved_model}: no output {args.output!r} (have {sorted(outputs)})")
    return loaded, sig, name, inputs[name]


def _predictor(args, sig, in_name, spec):
    """Returns f(segments [n, 40, M]) -> embeddings [n, D] and the API used."""
    import tensorflow as tf
    from kref_model import keras_module
    if args.api == "keras":
        keras = keras_module(args.keras)
        try:
            layer = keras.layers.TFSMLayer(args.saved_model, call_endpoint=args.signature)
            inp = keras.Input(tuple(spec.shape[1:]), name=in_name)
            out = layer(inp)
            out = out[args.output] if isinstance(out, dict) else out
            model = keras.Model(inp, out)
            return (lambda x: model.predict(x, batch_size=args.batch, verbose=0)), "keras TFSMLayer + Model.predict"
        except Exception as err:  # noqa: BLE001 - fall back and say so in the report
            api_note = f"tf signature (TFSMLayer failed: {type(err).__name__}: {str(err)[:120]})"
    else:
        api_note = "tf signature"

    def call(x):
        outs = [sig(**{in_name: tf.constant(x[i:i + args.batch])})[args.output].numpy()
                for i in range(0, len(x), args.batch)]
        return np.concatenate(outs)
    return call, api_note


def predict_bench(args):
    """Times SavedModel extraction: from the store's frames (--store) or end to
    end from audio (--audio-dir: decode, log-mel, segment, infer, pool)."""
    loaded, sig, in_name, spec = _signature(args)
    predict, api = _predictor(args, sig, in_name, spec)
    keep = set(read_list(args.speakers)) if args.speakers else None
    if args.audio_dir:
        utts = [u for u in audio_utterances(args.audio_dir) if keep is None or u[1] in keep]
        source, n_mels = "audio", 128
    else:
        store = Store(args.store)
        utts = [u for u in store.utterances if keep is None or u.speaker in keep]
        source, n_mels = "store", store.n_mels
    if not utts:
        raise SystemExit(f"predict-bench: {args.audio_dir or args.store}: no utterances selected")
    predict(np.zeros((args.batch, 40, n_mels), np.float32))  # warm-up
    if args.audio_dir:
        reference_logmel(np.zeros(16000, np.float32))  # librosa filter bank and caches
    c0, t0 = time.process_time(), time.perf_counter()
    if args.audio_dir:
        ids, spks, x, owners, audio, feat_s = _audio_segments(utts, args.cut)
    else:
        ids, spks = [u.utt_id for u in utts], [u.speaker for u in utts]
        x, owners = _store_segments(store, utts, args.cut)
        audio, feat_s = sum(u.duration for u in utts), 0.0
    t1 = time.perf_counter()
    e = predict(x)
    sums = np.zeros((len(ids), e.shape[1]), np.float64)
    np.add.at(sums, owners, e)
    embs = sums / np.bincount(owners, minlength=len(ids))[:, None]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {"source": source, "utterances": len(ids), "segments": int(len(x)), "audio_s": audio,
           "elapsed_s": elapsed, "features_s": feat_s, "inference_s": time.perf_counter() - t1,
           "cpu_s": cpu, "audio_s_per_cpu_s": audio / cpu if cpu > 0 else None,
           "audio_s_per_s": audio / elapsed, "segments_per_s": len(x) / elapsed, "batch": args.batch,
           "api": api, "saved_model": args.saved_model, "dim": int(e.shape[1]), "cut": args.cut}
    if args.out:
        write_embeddings_dir(args.out, ids, spks, embs)
    if args.compare:
        out["compare"] = compare(args.compare, ids, embs)
    return out


def _store_segments(store, utts, cut):
    """All segments of utts [n, 40, M] and the utterance index of each.
    Batches span utterance boundaries, as a batched extractor would."""
    chunk, owners = [], []
    for k, u in enumerate(utts):
        s = segments(store.utt_frames(u), cut=cut)
        chunk.append(s)
        owners.extend([k] * len(s))
    return np.concatenate(chunk), np.asarray(owners)


def _audio_segments(utts, cut):
    """Decodes (librosa.load at 16 kHz) and computes the reference log-mel of
    every file, then segments as _store_segments; returns ids, speakers,
    segments, owners, audio seconds and the seconds spent on features."""
    import librosa
    t0 = time.perf_counter()
    ids, spks, chunk, owners, audio = [], [], [], [], 0.0
    for k, (utt_id, spk, path) in enumerate(utts):
        y, rate = librosa.load(path, sr=16000)
        audio += len(y) / rate
        s = segments(reference_logmel(y), cut=cut)
        ids.append(utt_id)
        spks.append(spk)
        chunk.append(s)
        owners.extend([k] * len(s))
    return ids, spks, np.concatenate(chunk), np.asarray(owners), audio, time.perf_counter() - t0


def reference_logmel(y, sr=16000):
    """The reference features of 16 kHz samples y: librosa melspectrogram
    (n_fft 1024, hop 160, 128 mels, power 2, centred with reflect padding),
    log10(1 + 10000 x); returns [frames, 128] float32."""
    import librosa
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=160, n_mels=128,
                                         power=2.0, pad_mode="reflect")
    return np.log10(1.0 + 10000.0 * mel).T.astype(np.float32)


def audio_utterances(root):
    """(utt_id, speaker, path) of every audio file under root: utt_id is the
    path relative to root without extension (as voxsiam names corpus
    utterances), speaker its first directory."""
    out = []
    for path in audio_files(root):
        rel = os.path.relpath(path, root)
        utt = os.path.splitext(rel)[0].replace(os.sep, "/")
        out.append((utt, utt.split("/")[0] if "/" in utt else utt, path))
    return out


def compare(path, utt_ids, embs):
    """Max abs difference against another embeddings directory, matched by utterance id."""
    other = np.load(os.path.join(path, "embeddings.npy"))
    with open(os.path.join(path, "utt.list")) as f:
        ids = [line.strip() for line in f if line.strip()]
    index = {u: i for i, u in enumerate(ids)}
    common = [(i, index[u]) for i, u in enumerate(utt_ids) if u in index]
    if not common:
        return {"matched": 0}
    a = embs[[i for i, _ in common]]
    b = other[[j for _, j in common]]
    return {"matched": len(common), "max_abs_diff": float(np.max(np.abs(a - b))),
            "max_rel_diff": float(np.max(np.abs(a - b)) / max(1e-12, float(np.max(np.abs(b)))))}


def audio_files(root):
    out = []
    for d, _, files in os.walk(root):
        out.extend(os.path.join(d, f) for f in files if f.endswith(AUDIO_EXT))
    return sorted(out)


def features_bench(args):
    import librosa
    files = audio_files(args.audio_dir)
    if args.limit:
        files = files[:args.limit]
    if not files:
        raise SystemExit(f"features-bench: {args.audio_dir}: no audio files")
    sr = args.sr or None
    y, rate = librosa.load(files[0], sr=sr)  # warm-up (numba/JIT caches, filter bank)
    librosa.feature.melspectrogram(y=y, sr=rate, n_fft=1024, hop_length=160, n_mels=128)
    audio, frames, load_s = 0.0, 0, 0.0
    c0, t0 = time.process_time(), time.perf_counter()
    for path in files:
        t1 = time.perf_counter()
        y, rate = librosa.load(path, sr=sr)
        load_s += time.perf_counter() - t1
        mel = librosa.feature.melspectrogram(y=y, sr=rate, n_fft=1024, hop_length=160, n_mels=128)
        feats = np.log10(1.0 + 10000.0 * mel).T.astype(np.float32)
        audio += len(y) / rate
        frames += feats.shape[0]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"files": len(files), "audio_s": audio, "frames": frames, "elapsed_s": elapsed, "decode_s": load_s,
            "cpu_s": cpu, "audio_s_per_cpu_s": audio / cpu if cpu > 0 else None,
            "files_per_s": len(files) / elapsed, "audio_s_per_s": audio / elapsed,
            "settings": {"n_fft": 1024, "hop": 160, "n_mels": 128, "power": 2.0, "compression": "log10(1+10000x)",
                         "sr": sr or "native", "librosa": librosa.__version__}}
