"""The reference network and losses, in TensorFlow/Keras.

Network (Stadelmann et al., ANNPR 2018; stdm/ZHAW_deep_voice,
networks/pairwise_lstm*/bilstm_2layer_dropout_plus_2dense.py, written anew):

  spectrogram [B, 40, 128] -> L1 Bidirectional(LSTM 256, sequences) [B, 40, 512]
  -> L2 Dropout 0.5 -> L3 Bidirectional(LSTM 256) [B, 512]  (the embedding)
  -> L4 Dense(10S) -> L5 Dropout 0.25 -> L6 Dense(5S) -> L7 Dense(S)
  -> distribution softmax [B, S]

Dense layers are linear. Layer names mirror voxsiam's graph ("L1".."L7",
"distribution").

PKLD loss (networks/losses.py pairwise_kl_divergence): for every pair i<j of
the mini-batch, with P_i = softmax_i + EPSILON,
  Is*KL(Pi||Pj) + Ids*max(0, m-KL(Pi||Pj)) + Is*KL(Pj||Pi) + Ids*max(0, m-KL(Pj||Pi)),
summed and divided by B(B-1)/2 (the reference divides by the constant
100*99/2 for its batch of 100). Is = 1 when both segments share a speaker,
Ids = 1-Is. The reference adds EPSILON = 1e-16 to the distributions (no
clipping, no renormalisation); so do we.

The "seed" setup is the Keras attempt that never passed 0.5 "accuracy": a
siamese model whose branches end in PReLU (not a distribution), a distance
layer computing one-direction KL on clip(x, K.epsilon(), 1) (K.epsilon() =
1e-7), and the hinge y*d + (1-y)*max(0, 1-d) on explicit 0/1 pairs (1 = same
speaker), compiled with metrics=['accuracy'].
"""

import tensorflow as tf

EPSILON = 1e-16  # added to both distributions, as in ZHAW_deep_voice's loss_with_kl_div
MARGIN = 3.0     # PKLD hinge margin (reference grid 1.5, 2, 2.5, 3; 3 used)
SEED_MARGIN = 1.0   # hinge margin of the seed setup (MARGIN = 1. in the question)
SEED_CLIP = 1e-7    # Keras backend epsilon() used by the seed setup's clip


def keras_module(version):
    """Keras 3 (tf.keras in TF 2.16+) or legacy Keras 2 (tf_keras)."""
    if int(version) == 2:
        import tf_keras
        return tf_keras
    return tf.keras


def build_network(keras, n_speakers, frames=40, n_mels=128, units=256, unroll=False):
    """The reference network; returns a Model spectrogram -> distribution."""
    L = keras.layers
    inp = keras.Input((frames, n_mels), name="spectrogram")
    x = L.Bidirectional(L.LSTM(units, return_sequences=True, unroll=unroll), name="L1")(inp)
    x = L.Dropout(0.5, name="L2")(x)
    emb = L.Bidirectional(L.LSTM(units, unroll=unroll), name="L3")(x)
    x = L.Dense(10 * n_speakers, name="L4")(emb)
    x = L.Dropout(0.25, name="L5")(x)
    x = L.Dense(5 * n_speakers, name="L6")(x)
    x = L.Dense(n_speakers, name="L7")(x)
    # float32 under any policy: under mixed_bfloat16 the layers above compute in
    # bfloat16 with float32 variables, the softmax (and so the loss) in float32.
    out = L.Activation("softmax", name="distribution", dtype="float32")(x)
    return keras.Model(inp, out, name="pkld_blstm")


POLICIES = {"fp32": "float32", "bf16": "mixed_bfloat16"}


def set_precision(keras, precision):
    """Keras' global dtype policy for --precision: fp32 -> "float32",
    bf16 -> "mixed_bfloat16" (computations in bfloat16, variables float32,
    as voxsiam's --precision bf16). Returns the policy name."""
    name = POLICIES[precision]
    keras.mixed_precision.set_global_policy(name)
    return name


def embedding_model(keras, model):
    """spectrogram -> (L3 embedding [B, 512], distribution [B, S]), inference only."""
    return keras.Model(model.input, [model.get_layer("L3").output, model.output])


def pairwise_kl(p):
    """kl[i, j] = KL(p_i || p_j) for rows of p [B, S] (already offset by EPSILON)."""
    logp = tf.math.log(p)
    neg_entropy = tf.reduce_sum(p * logp, axis=1)
    return neg_entropy[:, None] - tf.matmul(p, logp, transpose_b=True)


def pkld_loss(labels, dist, margin=MARGIN, epsilon=EPSILON):
    """PKLD loss of a mini-batch: labels [B] int speaker ids, dist [B, S] softmax."""
    labels = tf.reshape(tf.cast(labels, tf.int64), [-1])
    kl = pairwise_kl(tf.cast(dist, tf.float32) + epsilon)
    same = tf.cast(tf.equal(labels[:, None], labels[None, :]), tf.float32)
    per_dir = same * kl + (1.0 - same) * tf.nn.relu(margin - kl)
    b = tf.shape(kl)[0]
    off_diag = 1.0 - tf.eye(b, dtype=tf.float32)
    n = tf.cast(b, tf.float32)
    # The sum over ordered pairs i != j is the sum over i<j of both directions.
    return tf.reduce_sum(per_dir * off_diag) / (n * (n - 1.0) / 2.0)


def make_pkld_loss(margin=MARGIN, epsilon=EPSILON):
    def pairwise_kl_divergence(y_true, y_pred):
        return pkld_loss(y_true, y_pred, margin, epsilon)
    return pairwise_kl_divergence


def symmetric_kl(p, q, epsilon=EPSILON):
    """KL(p||q) + KL(q||p) per row: p, q [N, S] distributions -> [N]."""
    p, q = p + epsilon, q + epsilon
    lp, lq = tf.math.log(p), tf.math.log(q)
    return tf.reduce_sum((p - q) * (lp - lq), axis=1)


def build_seed_model(keras, frames=40, n_mels=128, units=256, out_dim=128, n_speakers=None, unroll=False):
    """The seed siamese model: two inputs -> clipped one-direction KL [B, 1]."""
    L = keras.layers
    s = n_speakers or out_dim
    base_in = keras.Input((frames, n_mels))
    x = L.Bidirectional(L.LSTM(units, return_sequences=True, unroll=unroll))(base_in)
    x = L.Dropout(0.5)(x)
    x = L.Bidirectional(L.LSTM(units, unroll=unroll))(x)
    x = L.Dense(10 * s)(x)
    x = L.Dropout(0.25)(x)
    x = L.Dense(5 * s)(x)
    x = L.Dense(out_dim)(x)
    x = L.PReLU()(x)
    base = keras.Model(base_in, x, name="base_network")
    a = keras.Input((frames, n_mels), name="a")
    b = keras.Input((frames, n_mels), name="b")
    d = L.Lambda(clipped_kl, output_shape=(1,), name="kl_distance")([base(a), base(b)])
    return keras.Model([a, b], d, name="seed_siamese")


def clipped_kl(vects):
    """The seed distance: sum x*log(x/y) over clip(., 1e-7, 1), keepdims -> [B, 1]."""
    x, y = vects
    x = tf.clip_by_value(x, SEED_CLIP, 1.0)
    y = tf.clip_by_value(y, SEED_CLIP, 1.0)
    return tf.reduce_sum(x * tf.math.log(x / y), axis=-1, keepdims=True)


def seed_hinge_loss(y_true, y_pred, margin=SEED_MARGIN):
    """The seed loss: y*d + (1-y)*max(0, m-d); y_true 1 = same speaker."""
    y_true = tf.reshape(tf.cast(y_true, tf.float32), [-1])
    d = tf.reshape(y_pred, [-1])
    return tf.reduce_mean(y_true * d + (1.0 - y_true) * tf.nn.relu(margin - d))
