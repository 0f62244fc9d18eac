#!/usr/bin/env python3
"""SciPy side of the paired-bootstrap benchmark (driven by scripts/bench-bootstrap).

    bench_bootstrap_scipy.py DIR accuracy|auc RESAMPLES SEED

Reads the data BootstrapBench wrote and times one scipy.stats.bootstrap(paired=True, vectorized=True,
method='percentile', batch=100, n_resamples=RESAMPLES, confidence_level=0.95) of the gain challenger - champion.

- accuracy: data = (champion right 0/1, challenger right 0/1) as int8; statistic = mean difference along the axis.
- auc: data = (labels, dense ranks of the champion's scores, dense ranks of the challenger's scores); the statistic
  computes each resample's AUC in O(n) with np.bincount over the ranks (ties count one half). Ranks are computed once,
  outside the timing, and AUC depends on the order of scores only, so this is the fastest vectorised AUC we could
  write: the same idea (one sort, then a linear pass per resample) as the Java side.
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy import stats


def auc_rows(labels, ranks, size):
    labels = np.atleast_2d(labels)
    ranks = np.atleast_2d(ranks)
    out = np.empty(labels.shape[0])
    for j in range(labels.shape[0]):
        total = np.bincount(ranks[j], minlength=size)
        pos = np.bincount(ranks[j], weights=labels[j], minlength=size)
        neg = total - pos
        below = np.cumsum(neg) - neg
        out[j] = (pos * (below + 0.5 * neg)).sum() / (pos.sum() * neg.sum())
    return out


def main():
    folder, metric, resamples, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    y = np.fromfile(f"{folder}/y.f64", dtype="<f8")
    s1 = np.fromfile(f"{folder}/s1.f64", dtype="<f8")
    s2 = np.fromfile(f"{folder}/s2.f64", dtype="<f8")
    n = y.size
    if metric == "accuracy":
        c1 = ((s1 > 0.5) == (y == 1)).astype(np.int8)
        c2 = ((s2 > 0.5) == (y == 1)).astype(np.int8)
        data = (c1, c2)

        def statistic(a, b, axis=-1):
            return b.mean(axis=axis) - a.mean(axis=axis)
    elif metric == "auc":
        r1 = stats.rankdata(s1, method="dense").astype(np.int64) - 1
        r2 = stats.rankdata(s2, method="dense").astype(np.int64) - 1
        size = int(max(r1.max(), r2.max())) + 1
        data = (y, r1, r2)

        def statistic(labels, a, b, axis=-1):
            d = auc_rows(labels, b, size) - auc_rows(labels, a, size)
            return d if np.ndim(labels) > 1 else d[0]
    else:
        raise SystemExit(f"unknown metric {metric}")
    start = time.perf_counter()
    res = stats.bootstrap(data, statistic, paired=True, vectorized=True, method="percentile", batch=100,
                          n_resamples=resamples, confidence_level=0.95, random_state=np.random.default_rng(seed))
    seconds = time.perf_counter() - start
    print(json.dumps({"impl": "scipy", "metric": metric, "n": int(n), "resamples": resamples,
                      "seconds": round(seconds, 4), "low": float(res.confidence_interval.low),
                      "high": float(res.confidence_interval.high), "scipy": scipy.__version__,
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
