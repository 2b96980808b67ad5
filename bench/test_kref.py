"""Checks of the Keras reference's pieces (no training runs).

Run: .venv/bin/python -m unittest discover -s bench -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kref_flops  # noqa: E402
import kref_metrics  # noqa: E402
import kref_store  # noqa: E402


def naive_pkld(labels, p, margin=3.0, eps=1e-16):
    """The reference's double loop (networks/losses.py), in float64 numpy."""
    p = p.astype(np.float64) + eps
    total, n = 0.0, len(p)
    for i in range(n):
        for j in range(i + 1, n):
            is_same = float(labels[i] == labels[j])
            kl_pq = np.sum(p[i] * np.log(p[i] / p[j]))
            kl_qp = np.sum(p[j] * np.log(p[j] / p[i]))
            total += is_same * kl_pq + (1 - is_same) * max(0.0, margin - kl_pq)
            total += is_same * kl_qp + (1 - is_same) * max(0.0, margin - kl_qp)
    return total / (n * (n - 1) / 2)


class LossTest(unittest.TestCase):
    def test_pkld_matches_reference_loop(self):
        import tensorflow as tf
        from kref_model import pkld_loss
        rng = np.random.default_rng(1)
        for name, b, s, scale in [("batch100 peaked", 100, 20, 6.0), ("batch17 flat", 17, 5, 0.3)]:
            with self.subTest(name):
                logits = rng.normal(0, scale, (b, s))
                p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
                labels = rng.integers(0, 6, b)
                want = naive_pkld(labels, p)
                got = float(pkld_loss(tf.constant(labels), tf.constant(p, tf.float32)))
                self.assertAlmostEqual(got, want, delta=1e-4 * max(1.0, abs(want)))

    def test_zero_probability_stays_finite(self):
        import tensorflow as tf
        from kref_model import pkld_loss
        p = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], np.float32)
        got = float(pkld_loss(tf.constant([0, 1, 0]), tf.constant(p)))
        self.assertTrue(np.isfinite(got))
        # same pair (0,2): KL 0; different pairs: KL = log(1/1e-16) ~ 36.8 > margin -> 0.
        self.assertAlmostEqual(got, 0.0, places=5)


class PrecisionTest(unittest.TestCase):
    def test_mixed_bfloat16_network(self):
        """--precision bf16: the layers compute in bfloat16 with float32 variables, the
        distribution (and so the loss) is float32 and close to the fp32 model's with the same
        weights (bf16 keeps 8 significant bits: 0.05 absolute on probabilities is loose)."""
        import tensorflow as tf
        from kref_model import build_network, set_precision
        keras = tf.keras
        try:
            self.assertEqual(set_precision(keras, "fp32"), "float32")
            ref = build_network(keras, 5, frames=8, n_mels=16, units=8)
            self.assertEqual(set_precision(keras, "bf16"), "mixed_bfloat16")
            low = build_network(keras, 5, frames=8, n_mels=16, units=8)
        finally:
            set_precision(keras, "fp32")
        low.set_weights(ref.get_weights())
        self.assertEqual(low.get_layer("L4").compute_dtype, "bfloat16")
        self.assertEqual(low.get_layer("L4").kernel.dtype, "float32")
        self.assertEqual(low.get_layer("distribution").compute_dtype, "float32")
        x = np.random.default_rng(2).normal(0, 1, (6, 8, 16)).astype(np.float32)
        p, q = ref(x, training=False), low(x, training=False)
        self.assertEqual(q.dtype, tf.float32)
        diff = float(np.max(np.abs(p.numpy() - q.numpy())))
        self.assertGreater(diff, 0.0)  # bf16 really computed
        self.assertLess(diff, 0.05)


class MetricsTest(unittest.TestCase):
    def test_mr_golden(self):
        # Golden case from ZHAW_deep_voice's MR tests: 1/3.
        got = kref_metrics.misclassification_rate([0, 0, 0, 1, 1, 1, 1, 2, 2], [7, 7, 3, 3, 2, 2, 1, 0, 0])
        self.assertAlmostEqual(got, 1 / 3)

    def test_mr_one_to_one(self):
        # hand-computed: one cluster holds both speakers; only one of them can
        # be mapped to it, so half the utterances are misclassified.
        self.assertAlmostEqual(kref_metrics.misclassification_rate([0, 0, 1, 1], [5, 5, 5, 5]), 0.5)
        # speaker 0 -> cluster 1 (3), speaker 1 -> cluster 2 (2): 3 of 8 wrong
        self.assertAlmostEqual(kref_metrics.misclassification_rate(
            [0, 0, 0, 0, 0, 0, 1, 1], [1, 1, 1, 2, 2, 2, 2, 2]), 3 / 8)

    def test_keras_accuracy_inverted_on_distances(self):
        y = np.array([1, 1, 0, 0], np.float32)
        d = np.array([0.1, 0.2, 3.0, 4.0])  # a perfect distance
        self.assertEqual(kref_metrics.keras_binary_accuracy(y, d), 0.0)
        self.assertEqual(kref_metrics.best_threshold(y, d)[1], 1.0)


class FlopsTest(unittest.TestCase):
    def test_reference_step(self):
        # Hand count: L1 2*(2*100*40*384*1024) + L3 2*(2*100*40*768*1024) = 18.874 GFLOP,
        # dense 2*100*(512*1000+1000*500+500*100) = 0.2124 GFLOP, KL 2*100*100*100 = 0.002 GFLOP.
        self.assertAlmostEqual(kref_flops.forward_flops(100, 100) / 1e9, 18.874368 + 0.2124 + 0.002, places=6)
        self.assertAlmostEqual(kref_flops.train_step_flops(100, 100), 3 * kref_flops.forward_flops(100, 100))


class StoreTest(unittest.TestCase):
    def make_store(self, d):
        frames = np.arange(200 * 4, dtype=np.float32).reshape(200, 4)
        np.save(os.path.join(d, "frames.npy"), frames.astype(np.float16))
        with open(os.path.join(d, "manifest.tsv"), "w") as f:
            f.write("utt_id\tspeaker\tfirst_row\tnum_rows\tsource\tduration_s\n")
            f.write("a1\tA\t0\t90\ta1.wav\t0.9\nb1\tB\t90\t100\tb1.wav\t1.0\nb2\tB\t190\t10\tb2.wav\t0.1\n")
        with open(os.path.join(d, "speakers.tsv"), "w") as f:
            f.write("speaker\tgroup\nA\tvoiceX\nB\tvoiceX\n")
        return frames

    def test_read_and_sample(self):
        with tempfile.TemporaryDirectory() as d:
            frames = self.make_store(d)
            st = kref_store.Store(d)
            self.assertEqual(st.n_mels, 4)
            self.assertEqual(st.groups, {"A": "voiceX", "B": "voiceX"})
            sm = kref_store.BatchSampler(st, ["A", "B"], seed=3)
            x, y = sm.batch(50)
            self.assertEqual(x.shape, (50, 40, 4))
            for xi, yi in zip(x, y):  # every crop is a contiguous run inside one long-enough utterance
                start = int(xi[0, 0]) // 4
                np.testing.assert_array_equal(xi, frames[start:start + 40])
                self.assertTrue((0 <= start <= 50) if yi == 0 else (90 <= start <= 150))

    def test_segments(self):
        f = np.ones((95, 3), np.float32)
        self.assertEqual(kref_store.segments(f).shape, (2, 40, 3))
        short = kref_store.segments(np.ones((7, 3), np.float32))
        self.assertEqual(short.shape, (1, 40, 3))
        self.assertEqual(short[0, 7:].sum(), 0.0)

    def test_segments_overlap_last(self):
        # voxsiam embed.Cut: whole segments, then the last 40 frames; short ones repeated.
        f = np.arange(95, dtype=np.float32)[:, None]
        s = kref_store.segments(f, cut="overlap-last")
        self.assertEqual(s.shape, (3, 40, 1))
        np.testing.assert_array_equal(s[2, :, 0], np.arange(55, 95))
        short = kref_store.segments(np.arange(7, dtype=np.float32)[:, None], cut="overlap-last")
        np.testing.assert_array_equal(short[0, :, 0], np.arange(40) % 7)


if __name__ == "__main__":
    unittest.main()


class ExtractionTest(unittest.TestCase):
    def test_reference_logmel_reflect_padding(self):
        # Frame 0 rebuilt with numpy: hann(1024, periodic) over the first 1024 samples of the
        # signal reflect-padded by n_fft/2, |rfft|^2, librosa's Slaney mel filter bank, log10(1+1e4 x).
        import librosa
        import kref_speed
        rng = np.random.default_rng(3)
        y = rng.uniform(-0.5, 0.5, 16000).astype(np.float32)
        got = kref_speed.reference_logmel(y)
        self.assertEqual(got.shape, (1 + 16000 // 160, 128))  # centred frames
        win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(1024) / 1024)
        frame = np.pad(y.astype(np.float64), 512, mode="reflect")[:1024] * win
        mel = librosa.filters.mel(sr=16000, n_fft=1024, n_mels=128) @ np.abs(np.fft.rfft(frame)) ** 2
        np.testing.assert_allclose(got[0], np.log10(1 + 10000 * mel), rtol=1e-4, atol=1e-4)

    def test_audio_utterances_names(self):
        import kref_speed
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "spkA"))
            for name in ("spkA/u1.wav", "spkA/u2.flac", "spkA/notes.txt"):
                open(os.path.join(d, name), "w").close()
            got = [(u, s) for u, s, _ in kref_speed.audio_utterances(d)]
        self.assertEqual(got, [("spkA/u1", "spkA"), ("spkA/u2", "spkA")])  # ids as voxsiam's utt.list


class ReportTest(unittest.TestCase):
    def test_summarise_seeds(self):
        import report
        # hand-computed: MR (0.2 + 0.4) / 2, range [0.2, 0.4]; EER missing for one seed.
        got = report.summarise([{"mr": 0.2, "eer": 0.1, "acc": 0.9}, {"mr": 0.4, "eer": None, "acc": 0.8}, {}])
        self.assertAlmostEqual(got["mr"], 0.3)
        self.assertEqual(got["mr_range"], [0.2, 0.4])
        self.assertEqual((got["eer"], got["eer_n"]), (0.1, 1))
        self.assertAlmostEqual(got["acc"], 0.85)
        self.assertEqual((got["mr_zhaw"], got["mr_zhaw_n"]), (None, 0))  # fallback seeds have none
