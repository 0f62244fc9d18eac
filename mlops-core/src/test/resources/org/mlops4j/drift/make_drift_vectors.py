#!/usr/bin/env python3
"""Known answers for org.mlops4j.drift, from SciPy and NumPy.

Run from this directory with a Python that has numpy and scipy (the tests never run it; they read the JSON):
    python3 -m venv ~/.cache/mlops4j/py && ~/.cache/mlops4j/py/bin/pip install scipy numpy
    ~/.cache/mlops4j/py/bin/python make_drift_vectors.py > drift-vectors.json

- KS: scipy.stats.ks_2samp(reference, current, alternative='two-sided', method=M) with M named per case: 'exact' when
  both samples have at most 10,000 values, 'asymp' otherwise (the rule DriftRule applies, as ks_2samp's 'auto').
- Chi-square: scipy.stats.chi2_contingency([reference_counts, current_counts], correction=False) (no Yates
  correction; DriftRule applies none).
- PSI: the stated rule, written out in NumPy: edges = unique(np.quantile(reference, [.1, ..., .9], method='linear')),
  bin = np.searchsorted(edges, x, side='left'), proportions per bin, 0 replaced by 1e-4 (not renormalised),
  psi = sum((q - p) * ln(q / p)).
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

EPS = 1e-4


def psi_numeric(ref, cur):
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10, method="linear"))
    k = len(edges) + 1
    p = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k) / len(cur)
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p))), edges.tolist()


def psi_categorical(ref_counts, cur_counts):
    cats = sorted(set(ref_counts) | set(cur_counts))
    p = np.array([ref_counts.get(c, 0) for c in cats], float)
    q = np.array([cur_counts.get(c, 0) for c in cats], float)
    p, q = p / p.sum(), q / q.sum()
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p)))


def main():
    rng = np.random.default_rng(20240611)
    out = {"generator": "make_drift_vectors.py", "numpy": np.__version__, "scipy": scipy.__version__,
           "ks": [], "chi2": [], "psi": [], "psi_categorical": []}

    ks_cases = [
        ("small-shift", rng.normal(0, 1, 40), rng.normal(0.8, 1, 50)),
        ("same-distribution", rng.normal(0, 1, 200), rng.normal(0, 1, 300)),
        ("scale-change", rng.normal(0, 1, 500), rng.normal(0, 1.3, 700)),
        ("large-asymptotic", rng.normal(0, 1, 12000), rng.normal(0.03, 1, 15000)),
    ]
    for name, a, b in ks_cases:
        method = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        r = stats.ks_2samp(a, b, alternative="two-sided", method=method)
        out["ks"].append({"name": name, "method": method, "reference": a.tolist(), "current": b.tolist(),
                          "statistic": float(r.statistic), "pvalue": float(r.pvalue)})

    chi_cases = [
        ("three-categories", {"a": 120, "b": 80, "c": 50}, {"a": 100, "b": 95, "c": 70}),
        ("two-by-two", {"yes": 30, "no": 70}, {"yes": 45, "no": 55}),
        ("new-category", {"x": 500, "y": 300, "z": 200}, {"x": 480, "y": 290, "z": 190, "w": 40}),
        ("stable", {"EU": 1000, "US": 1500, "APAC": 700}, {"EU": 1010, "US": 1490, "APAC": 705}),
    ]
    for name, ref, cur in chi_cases:
        cats = sorted(set(ref) | set(cur))
        table = [[ref.get(c, 0) for c in cats], [cur.get(c, 0) for c in cats]]
        r = stats.chi2_contingency(table, correction=False)
        out["chi2"].append({"name": name, "correction": False, "reference": ref, "current": cur,
                            "statistic": float(r.statistic), "pvalue": float(r.pvalue), "dof": int(r.dof)})
        out["psi_categorical"].append({"name": name, "reference": ref, "current": cur,
                                       "psi": psi_categorical(ref, cur)})

    psi_cases = [
        ("shifted-normal", rng.normal(0, 1, 1000), rng.normal(0.5, 1, 800)),
        ("same-normal", rng.normal(0, 1, 1000), rng.normal(0, 1, 1000)),
        ("ties-and-empty-bins", rng.integers(0, 6, 1000).astype(float), rng.integers(3, 6, 500).astype(float)),
        ("beyond-reference-range", rng.uniform(0, 1, 300), rng.uniform(0.8, 2, 300)),
    ]
    for name, a, b in psi_cases:
        value, edges = psi_numeric(a, b)
        out["psi"].append({"name": name, "reference": a.tolist(), "current": b.tolist(), "edges": edges,
                           "psi": value})
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
