"""Small, independent metrics for the benchmark (numpy/scipy/scikit-learn).

`voxsiam eval` is the canonical scorer of both implementations' embeddings;
these functions serve the pair-accuracy report of keras_reference.py and a
clearly labelled fallback when `voxsiam eval` is not available.

- keras_binary_accuracy: what Keras' metrics=['accuracy'] computes for a
  single-output model (BinaryAccuracy, threshold 0.5): mean((d > 0.5) == y).
  On a KL *distance* with y = 1 for same speaker this is inverted and
  meaningless, which is why the seed setup sat at ~0.5.
- threshold_accuracy: accuracy of the decision "same speaker iff d < t" with t
  tuned on one half of the pairs and applied to the other half.
- eer: equal error rate of scores (higher = more similar) vs target labels.
- misclassification_rate: the exact MR, 1 - matched / N with the optimal
  one-to-one mapping of true speakers to clusters (scipy's
  linear_sum_assignment on the contingency table), as voxsiam's `mr`
  (MR([0,0,0,1,1,1,1,2,2], [7,7,3,3,2,2,1,0,0]) = 1/3). The ZHAW code's greedy
  value (`mr_zhaw`) comes only from `voxsiam eval`.
"""

import numpy as np


def keras_binary_accuracy(y_same, d):
    return float(np.mean((np.asarray(d) > 0.5).astype(np.float32) == np.asarray(y_same)))


def best_threshold(y_same, d):
    """The distance threshold maximising accuracy of (d < t) == y on these pairs."""
    d = np.asarray(d, dtype=np.float64)
    y = np.asarray(y_same) > 0.5
    cands = np.unique(d)
    cands = np.concatenate([cands, [cands[-1] + 1.0]]) if len(cands) else np.array([0.0])
    accs = [np.mean((d < t) == y) for t in cands]
    i = int(np.argmax(accs))
    return float(cands[i]), float(accs[i])


def threshold_accuracy(y_same, d):
    """Tune on the first half of the pairs, report accuracy on the second half."""
    y = np.asarray(y_same)
    d = np.asarray(d)
    h = len(d) // 2
    t, tune_acc = best_threshold(y[:h], d[:h])
    test_acc = float(np.mean((d[h:] < t) == (y[h:] > 0.5)))
    return {"threshold": t, "tune_accuracy": tune_acc, "test_accuracy": test_acc}


def eer(scores, target):
    """Equal error rate (fraction) of scores vs boolean target."""
    from sklearn.metrics import roc_curve
    fpr, tpr, _ = roc_curve(np.asarray(target, dtype=int), np.asarray(scores))
    fnr = 1.0 - tpr
    i = int(np.nanargmin(np.abs(fnr - fpr)))
    return float((fpr[i] + fnr[i]) / 2.0)


def misclassification_rate(true_labels, cluster_labels):
    from scipy.optimize import linear_sum_assignment
    _, t = np.unique(np.asarray(true_labels), return_inverse=True)
    _, c = np.unique(np.asarray(cluster_labels), return_inverse=True)
    table = np.zeros((t.max() + 1, c.max() + 1), dtype=np.int64)
    np.add.at(table, (t, c), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return 1.0 - table[rows, cols].sum() / len(t)


def embedding_quality(emb, speakers):
    """Fallback scores of utterance embeddings [N, D] with speaker labels.

    MR: complete-linkage agglomerative clustering on cosine distance, cut at
    the true number of speakers. EER and threshold accuracy over all
    utterance pairs scored by cosine similarity (threshold tuned on half).
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist
    emb = np.asarray(emb, dtype=np.float64)
    spk = np.asarray(speakers)
    dist = pdist(emb, metric="cosine")
    k = len(np.unique(spk))
    clusters = fcluster(linkage(dist, method="complete"), t=k, criterion="maxclust")
    iu = np.triu_indices(len(spk), k=1)
    same = (spk[iu[0]] == spk[iu[1]]).astype(np.float32)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(same))
    return {
        "mr": misclassification_rate(spk, clusters),
        "eer": eer(-dist, same > 0.5),
        "threshold_accuracy": threshold_accuracy(same[order], dist[order])["test_accuracy"],
        "scorer": "python fallback (bench/kref_metrics.py)",
    }
