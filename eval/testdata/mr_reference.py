"""Reference values of the misclassification rate for eval's MR tests.

Regenerate the stored file (from the repository root, in the venv):

    .venv/bin/python eval/testdata/mr_reference.py --zhaw /path/to/mr.py > eval/testdata/mr_reference.json

It draws random partitions (fixed seed) of 2..60 utterances into speakers and
clusters and records for each
  - "mr": the exact MR, 1 - matched/N, with the optimal one-to-one mapping of
    speakers to clusters found by scipy.optimize.linear_sum_assignment on the
    contingency table (rows speakers, columns clusters);
  - "mr_zhaw": the value of misclassification_rate in the ZHAW reference code
    (stdm/ZHAW_deep_voice, common/analysis/metrics/mr.py, or
    common/analysis/mr.py in older checkouts), imported from the file given
    with --zhaw. That code is not part of voxsiam; without --zhaw the key is
    left out.

    .venv/bin/python eval/testdata/mr_reference.py --exact cases.json

prints only the exact MR of the cases of a JSON file ({"cases": [{"truth",
"pred"}, ...]}) as a JSON list; the Go test runs it live when the venv exists.
"""
import argparse
import importlib.util
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment


def exact_mr(truth, pred):
    truth, pred = np.asarray(truth), np.asarray(pred)
    rows, r = np.unique(truth, return_inverse=True)
    cols, c = np.unique(pred, return_inverse=True)
    table = np.zeros((len(rows), len(cols)), dtype=np.int64)
    np.add.at(table, (r, c), 1)
    i, j = linear_sum_assignment(table, maximize=True)
    return float(1 - table[i, j].sum() / len(truth))


def cases(rng):
    out = []
    for k in range(40):
        n = int(rng.integers(2, 61))
        speakers = int(rng.integers(1, 9))
        clusters = int(rng.integers(1, 11))
        truth = rng.integers(0, speakers, n)
        # mostly one cluster per speaker, the rest scattered; cluster labels
        # shuffled so that their order says nothing about the speakers
        perm = rng.permutation(max(speakers, clusters) + 3)
        pred = np.where(rng.random(n) < 0.6, perm[truth], rng.integers(0, clusters, n))
        out.append({"truth": truth.tolist(), "pred": pred.tolist()})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zhaw", help="path of ZHAW_deep_voice's mr.py")
    ap.add_argument("--exact", help="print the exact MR of the cases in this JSON file")
    a = ap.parse_args()
    if a.exact:
        with open(a.exact) as f:
            cs = json.load(f)["cases"]
        print(json.dumps([exact_mr(c["truth"], c["pred"]) for c in cs]))
        return
    zhaw = None
    if a.zhaw:
        spec = importlib.util.spec_from_file_location("zhaw_mr", a.zhaw)
        zhaw = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(zhaw)
    cs = cases(np.random.default_rng(11))
    for c in cs:
        c["mr"] = exact_mr(c["truth"], c["pred"])
        if zhaw is not None:
            c["mr_zhaw"] = float(zhaw.misclassification_rate(c["truth"], c["pred"]))
    src = "scipy.optimize.linear_sum_assignment (mr); " + (
        "ZHAW_deep_voice mr.py misclassification_rate (mr_zhaw)" if zhaw else "no ZHAW values")
    # one case per line, so that a regenerated file diffs readably
    sys.stdout.write('{"source": %s, "cases": [\n' % json.dumps(src))
    sys.stdout.write(",\n".join(json.dumps(c) for c in cs))
    sys.stdout.write("\n]}\n")


if __name__ == "__main__":
    main()
