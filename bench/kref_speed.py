"""predict-bench and features-bench modes of keras_reference.py.

predict-bench: the utterances of a store are cut into non-overlapping
40-frame segments (kref_store.segments), run through a SavedModel's
serving_default signature in batches of --batch segments and mean-pooled per
utterance, the way a Keras user would run `Model.predict` on an exported
model (--api keras wraps the signature in keras.layers.TFSMLayer). Timed:
segmenting + inference + pooling for all utterances, after one warm-up batch;
model loading is excluded. audio-seconds/s = manifest duration_s summed over
the utterances / elapsed.

features-bench: librosa as in ZHAW_deep_voice's spectrogram_converter:
librosa.load(sr=None), melspectrogram(n_fft 1024, hop 160, 128 mels, power 2),
then log10(1 + 10000*x) (vectorised here; the original loops in Python per
element, which would be far slower). Timed: decoding + features per file.
"""

import os
import time

import numpy as np
import tensorflow as tf

from kref_model import keras_module
from kref_store import Store, read_list, segments, write_embeddings_dir

AUDIO_EXT = (".wav", ".flac", ".sph", ".WAV", ".FLAC", ".SPH")


def _signature(args):
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
    loaded, sig, in_name, spec = _signature(args)
    predict, api = _predictor(args, sig, in_name, spec)
    store = Store(args.store)
    keep = set(read_list(args.speakers)) if args.speakers else None
    utts = [u for u in store.utterances if keep is None or u.speaker in keep]
    if not utts:
        raise SystemExit(f"predict-bench: {args.store}: no utterances selected")
    predict(np.zeros((args.batch, 40, store.n_mels), np.float32))  # warm-up
    c0, t0 = time.process_time(), time.perf_counter()
    embs, n_segs, chunk, owners = [], 0, [], []
    # Batches span utterance boundaries, as a batched extractor would.
    for k, u in enumerate(utts):
        s = segments(store.utt_frames(u), cut=args.cut)
        chunk.append(s)
        owners.extend([k] * len(s))
        n_segs += len(s)
    x = np.concatenate(chunk)
    e = predict(x)
    owners = np.asarray(owners)
    sums = np.zeros((len(utts), e.shape[1]), np.float64)
    np.add.at(sums, owners, e)
    embs = sums / np.bincount(owners, minlength=len(utts))[:, None]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    audio = sum(u.duration for u in utts)
    out = {"utterances": len(utts), "segments": int(n_segs), "audio_s": audio, "elapsed_s": elapsed,
           "cpu_s": cpu, "audio_s_per_cpu_s": audio / cpu if cpu > 0 else None,
           "audio_s_per_s": audio / elapsed, "segments_per_s": n_segs / elapsed, "batch": args.batch,
           "api": api, "saved_model": args.saved_model, "dim": int(e.shape[1])}
    if args.out:
        write_embeddings_dir(args.out, [u.utt_id for u in utts], [u.speaker for u in utts], embs)
    if args.compare:
        out["compare"] = compare(args.compare, [u.utt_id for u in utts], embs)
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
