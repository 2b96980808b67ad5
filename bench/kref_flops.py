"""Analytic FLOP counts of the reference network (multiply-add = 2 FLOPs).

Only matrix multiplications are counted; element-wise gate arithmetic,
activations, dropout and Adam are O(B*T*h) and below 2 % of the total for the
reference sizes. Per LSTM direction and layer, the forward pass computes the
four gates for every step t of every sequence: [x_t, h_{t-1}] (in + h) times
the gate matrix (in + h) x 4h, i.e. 2*B*T*(in+h)*4h FLOPs. The backward pass
needs the gradient with respect to the weights and with respect to the
inputs, each as large as the forward matmul: 2x forward. A training step is
therefore ~3x the forward pass.

    >>> round(train_step_flops(100, 100) / 1e9, 2)
    57.27
"""


def lstm_forward_flops(batch, steps, n_in, hidden):
    """One direction of one LSTM layer: 2*B*T*(in+h)*4h."""
    return 2 * batch * steps * (n_in + hidden) * 4 * hidden


def dense_forward_flops(batch, n_in, n_out):
    return 2 * batch * n_in * n_out


def forward_flops(batch, n_speakers, steps=40, n_mels=128, units=256, head=True):
    """Forward pass of the reference network for `batch` segments.

    head=False counts only up to the embedding (L3), as embedding extraction
    needs; head=True adds the dense layers and the pairwise KL matrix.
    """
    f = 2 * lstm_forward_flops(batch, steps, n_mels, units)        # L1, both directions
    f += 2 * lstm_forward_flops(batch, steps, 2 * units, units)   # L3, both directions
    if head:
        s = n_speakers
        f += dense_forward_flops(batch, 2 * units, 10 * s)
        f += dense_forward_flops(batch, 10 * s, 5 * s)
        f += dense_forward_flops(batch, 5 * s, s)
        f += 2 * batch * batch * s  # P @ log(P)^T for the pairwise KL matrix
    return f


def train_step_flops(batch, n_speakers, steps=40, n_mels=128, units=256):
    """One training step (forward + backward ~ 2x forward) of the PKLD network."""
    return 3 * forward_flops(batch, n_speakers, steps, n_mels, units, head=True)


def describe(batch, n_speakers, steps=40, n_mels=128, units=256):
    """A dict for reports: the formula, its inputs and the counts in GFLOP."""
    return {
        "formula": "3 x [sum over LSTM layers and directions 2*B*T*(in+h)*4h + dense 2*B*in*out + 2*B*B*S]",
        "batch": batch, "n_speakers": n_speakers, "steps": steps, "n_mels": n_mels, "units": units,
        "forward_gflop": forward_flops(batch, n_speakers, steps, n_mels, units) / 1e9,
        "train_step_gflop": train_step_flops(batch, n_speakers, steps, n_mels, units) / 1e9,
        "embed_segment_gflop": forward_flops(1, n_speakers, steps, n_mels, units, head=False) / 1e9,
    }


if __name__ == "__main__":
    import doctest
    doctest.testmod(verbose=False)
