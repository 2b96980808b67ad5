"""Reference LLRs of Kaldi's x-vector back-end for eval's PLDA tests.

A numpy transcription of the Kaldi programs of the x-vector recipes
(egs/sre16/v2/run.sh, "ivector-subtract-global-mean | transform-vec |
ivector-normalize-length" then ivector-plda-scoring), written from Kaldi's
sources:
  - ivector-mean / ivector-subtract-global-mean: the training-set mean;
  - ivector-compute-lda (src/ivectorbin/ivector-compute-lda.cc,
    ComputeLdaTransform, total-covariance-factor 0, covariance-floor 1e-6);
  - ivector-normalize-length (scaled to length sqrt(dim));
  - ivector-compute-plda (src/ivector/plda.cc: PldaStats, PldaEstimator,
    10 EM iterations, GetOutput);
  - ivector-plda-scoring (Plda::TransformIvector with normalize-length true,
    simple-length-norm false, and Plda::LogLikelihoodRatio, one enrolment
    utterance).

Regenerate the stored file from the repository root, in the venv:

    .venv/bin/python eval/testdata/plda_reference.py > eval/testdata/plda_reference.json

With --live FILE it reads the "train"/"test" data of a stored file instead of
drawing it, and prints the same JSON (the Go test runs this when the venv
exists, so the transcription itself is checked against the stored values
too).
"""
import argparse
import json
import sys

import numpy as np


def compute_lda(x, spk, lda_dim, total_covariance_factor=0.0, floor=1e-6):
    n, dim = x.shape
    tot = x.T @ x
    between = np.zeros((dim, dim))
    for s in np.unique(spk):
        xs = x[spk == s]
        m = xs.mean(axis=0)
        between += len(xs) * np.outer(m, m)
    total_covar = tot / n
    within_covar = (tot - between) / n
    to_norm = total_covariance_factor * total_covar + (1 - total_covariance_factor) * within_covar
    s, u = np.linalg.eigh(to_norm)
    s, u = s[::-1], u[:, ::-1]
    s = np.maximum(s, floor * s[0])
    t = np.diag(s ** -0.5) @ u.T
    between_covar = total_covar - within_covar
    proj = t @ between_covar @ t.T
    s2, u2 = np.linalg.eigh((proj + proj.T) / 2)
    order = np.argsort(-s2, kind="stable")
    return u2[:, order[:lda_dim]].T @ t


def normalize_length(x):
    d = x.shape[1]
    return x * (np.sqrt(d) / np.linalg.norm(x, axis=1))[:, None]


def compute_plda(x, spk, iters=10):
    dim = x.shape[1]
    means, counts = [], []
    scatter = np.zeros((dim, dim))
    for s in np.unique(spk):
        xs = x[spk == s]
        m = xs.mean(axis=0)
        scatter += (xs - m).T @ (xs - m)
        means.append(m)
        counts.append(len(xs))
    means, counts = np.array(means), np.array(counts)
    gmean = means.mean(axis=0)
    within, between = np.eye(dim), np.eye(dim)
    for _ in range(iters):
        w_stats, w_count = scatter.copy(), counts.sum() - len(counts)
        b_stats, b_count = np.zeros((dim, dim)), 0.0
        w_inv, b_inv = np.linalg.inv(within), np.linalg.inv(between)
        for m, n in zip(means, counts):
            mixed = np.linalg.inv(b_inv + n * w_inv)
            mc = m - gmean
            w = mixed @ (n * w_inv @ mc)
            b_stats += mixed + np.outer(w, w)
            b_count += 1
            w_stats += n * mixed + n * np.outer(mc - w, mc - w)
            w_count += 1
        within, between = w_stats / w_count, b_stats / b_count
    c = np.linalg.inv(np.linalg.cholesky(within))
    proj = c @ between @ c.T
    psi, u = np.linalg.eigh((proj + proj.T) / 2)
    order = np.argsort(-psi, kind="stable")
    psi, u = np.maximum(psi[order], 0), u[:, order]
    return {"mean": gmean, "transform": u.T @ c, "psi": psi}


def transform_ivector(plda, x, n=1):
    u = (x - plda["mean"]) @ plda["transform"].T
    dot = (u ** 2 / (plda["psi"] + 1.0 / n)).sum(axis=1)
    return u * np.sqrt(u.shape[1] / dot)[:, None]


def llr(plda, enroll, test, n=1):
    psi = plda["psi"]
    mean = n * psi / (n * psi + 1) * enroll
    var = 1 + psi / (n * psi + 1)
    given = -0.5 * (np.log(var).sum() + (((test - mean) ** 2) / var).sum())
    without = -0.5 * (np.log(1 + psi).sum() + ((test ** 2) / (1 + psi)).sum())
    return given - without


def backend(train, spk, test, lda_dim):
    mean = train.mean(axis=0)
    x = train - mean
    lda = compute_lda(x, spk, lda_dim) if lda_dim > 0 else np.eye(x.shape[1])
    y = normalize_length(x @ lda.T)
    plda = compute_plda(y, spk)
    u = transform_ivector(plda, normalize_length((test - mean) @ lda.T))
    n = len(u)
    scores = [llr(plda, u[i], u[j]) for i in range(n) for j in range(i + 1, n)]
    return {"lda_dim": lda_dim, "psi": plda["psi"].tolist(), "llr": scores}


def draw(rng):
    dim, train_spk, test_spk = 12, 15, 6
    a, c = rng.normal(size=(dim, dim)), rng.normal(size=(dim, dim))
    between, within = a @ a.T / dim * 4, c @ c.T / dim + 0.2 * np.eye(dim)
    offset = rng.normal(size=dim) * 3

    def speakers(k, lo, hi):
        xs, labels = [], []
        for s in range(k):
            m = offset + rng.multivariate_normal(np.zeros(dim), between)
            for _ in range(int(rng.integers(lo, hi + 1))):
                xs.append(m + rng.multivariate_normal(np.zeros(dim), within))
                labels.append(s)
        # float32, as embeddings are stored
        return np.array(xs, dtype=np.float32), np.array(labels)
    tr, trs = speakers(train_spk, 3, 9)
    te, tes = speakers(test_spk, 3, 3)
    return tr, trs, te, tes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--live", help="recompute the LLRs of the data stored in this file")
    a = ap.parse_args()
    if a.live:
        with open(a.live) as f:
            d = json.load(f)
        tr, trs = np.array(d["train"], dtype=np.float32), np.array(d["train_labels"])
        te, tes = np.array(d["test"], dtype=np.float32), np.array(d["test_labels"])
    else:
        tr, trs, te, tes = draw(np.random.default_rng(12))
    trd, ted = tr.astype(np.float64), te.astype(np.float64)
    out = {"source": "numpy transcription of Kaldi ivector-compute-lda, ivector-compute-plda, ivector-plda-scoring "
                     "(eval/testdata/plda_reference.py)",
           "train": tr.tolist(), "train_labels": trs.tolist(), "test": te.tolist(), "test_labels": tes.tolist(),
           "backends": [backend(trd, trs, ted, 8), backend(trd, trs, ted, 0)]}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
